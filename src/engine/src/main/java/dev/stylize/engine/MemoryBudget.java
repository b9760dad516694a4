package dev.stylize.engine;

import ai.djl.Device;
import dev.stylize.plan.InvalidInputException;

/**
 * The memory a run may use, and the tile size it must use if one was asked for.
 *
 * @param bytes    resident memory the run may reach
 * @param tileSize 0 to choose tiles from {@code bytes}; otherwise tiles of at most this many
 *                 pixels a side, a multiple of 16, at every scale larger than that
 */
public record MemoryBudget(long bytes, int tileSize) {
    /**
     * The share of the memory available at the start that a run plans to use: the estimate is
     * linear and measured, the rest absorbs what it misses and what other processes take meanwhile.
     */
    static final double USABLE_SHARE = 0.85;

    public MemoryBudget {
        if (tileSize != 0 && (tileSize < 128 || tileSize % 16 != 0)) {
            throw new InvalidInputException("tile size must be a multiple of 16 from 128 up, got " + tileSize);
        }
    }

    /** {@value #USABLE_SHARE} of the host memory available now; tiles chosen to fit. */
    public static MemoryBudget ofAvailableMemory() {
        return usableShareOf(MemoryEstimate.availableHostBytes());
    }

    /** {@value #USABLE_SHARE} of the memory {@code device} can still give now (CUDA's free memory on a GPU). */
    public static MemoryBudget ofAvailableMemory(Device device) {
        return usableShareOf(MemoryEstimate.availableBytes(device));
    }

    private static MemoryBudget usableShareOf(long available) {
        return new MemoryBudget(available == Long.MAX_VALUE ? available : (long) (available * USABLE_SHARE), 0);
    }

    /** The same budget, with tiles of {@code px} (0: chosen from the budget). */
    public MemoryBudget withTileSize(int px) {
        return new MemoryBudget(bytes, px);
    }
}
