package dev.stylize.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.stylize.plan.VggLayer;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the memo keeps and gives back, with stand-in Gram matrices: no network. */
class GramMemoTest {
    private static final String SUMMING = "layers [CONV1_1] untiled";
    private final AtomicInteger computed = new AtomicInteger();

    /** A stand-in Gram matrix of 64 × 64 floats (16 KiB), filled with {@code value}. */
    private Supplier<Map<VggLayer, NDArray>> grams(NDManager manager, float value) {
        return () -> {
            computed.incrementAndGet();
            Map<VggLayer, NDArray> grams = new EnumMap<>(VggLayer.class);
            grams.put(VggLayer.CONV1_1, manager.full(new Shape(64, 64), value));
            return grams;
        };
    }

    @Test
    void aPaintingSeenBeforeIsNotComputedAgainAndItsCopiesAreTheCallers() {
        try (NDManager manager = NDManager.newBaseManager(); GramMemo memo = new GramMemo()) {
            NDArray painting = manager.randomUniform(0, 1, new Shape(1, 3, 8, 8));
            memo.grams(painting, SUMMING, manager, grams(manager, 2f)).get(VggLayer.CONV1_1).muli(10);
            NDArray again = memo.grams(painting.duplicate(), SUMMING, manager, grams(manager, 5f)).get(VggLayer.CONV1_1);
            assertEquals(1, computed.get(), "computed once");
            assertEquals(1, memo.hits());
            assertArrayEquals(manager.full(new Shape(64, 64), 2f).toFloatArray(), again.toFloatArray(),
                    "what was computed, untouched by what its first caller did with its own");
        }
    }

    @Test
    void anotherPaintingOrAnotherWayOfSummingIsComputed() {
        try (NDManager manager = NDManager.newBaseManager(); GramMemo memo = new GramMemo()) {
            NDArray painting = manager.randomUniform(0, 1, new Shape(1, 3, 8, 8));
            NDArray other = painting.duplicate();
            other.set(new ai.djl.ndarray.index.NDIndex("0, 0, 0, 0"), 0.5f + painting.getFloat(0, 0, 0, 0) / 4);
            memo.grams(painting, SUMMING, manager, grams(manager, 1f));
            memo.grams(other, SUMMING, manager, grams(manager, 1f));
            memo.grams(painting, "layers [CONV1_1] over tiles of 256 px", manager, grams(manager, 1f));
            memo.grams(painting.reshape(1, 3, 4, 16), SUMMING, manager, grams(manager, 1f));
            assertEquals(4, computed.get(), "one value, the tiles or the shape differ: each is another key");
            assertEquals(0, memo.hits());
        }
    }

    @Test
    void beyondItsBudgetTheLeastRecentlyUsedPaintingIsDropped() {
        try (NDManager manager = NDManager.newBaseManager(); GramMemo memo = new GramMemo(2 * 64 * 64 * 4)) {
            NDArray a = manager.full(new Shape(1, 3, 8, 8), 0.1f);
            NDArray b = manager.full(new Shape(1, 3, 8, 8), 0.2f);
            NDArray c = manager.full(new Shape(1, 3, 8, 8), 0.3f);
            memo.grams(a, SUMMING, manager, grams(manager, 1f));
            memo.grams(b, SUMMING, manager, grams(manager, 1f));
            memo.grams(a, SUMMING, manager, grams(manager, 1f)); // a is the most recently used now
            memo.grams(c, SUMMING, manager, grams(manager, 1f)); // two fit: b goes
            assertEquals(3, computed.get());
            memo.grams(a, SUMMING, manager, grams(manager, 1f));
            assertEquals(3, computed.get(), "a kept");
            memo.grams(b, SUMMING, manager, grams(manager, 1f));
            assertEquals(4, computed.get(), "b was dropped");
        }
    }
}
