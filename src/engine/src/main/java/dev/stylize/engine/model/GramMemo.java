package dev.stylize.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.plan.VggLayer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Gram matrices of paintings a network has already seen, so that a painting used again (a
 * service's styles repeat) costs no forward pass: at 128 px on a 2-core CPU that pass is about
 * 50 ms, a fifth of a small job's time outside its steps. Besides the network, a painting's Gram
 * matrices depend only on the array it is given as (its pixels, size and number type), the layers
 * and the tiles they are summed over; the key holds all of them, the array as a SHA-256 of its
 * bytes, so a painting is never taken for another.
 *
 * <p>Entries are copies in host memory, least recently used dropped first beyond {@value #BUDGET_BYTES}
 * bytes (a painting's five VGG19 style layers take 2.4 MB in float32), so a GPU's memory, which the
 * worker's admission counts, holds none of them; a hit costs a copy to the device.
 */
public final class GramMemo implements AutoCloseable {
    /** About 25 paintings' style layers in float32. */
    static final long BUDGET_BYTES = 64L << 20;

    private final long budgetBytes;
    private final NDManager host = NDManager.newBaseManager(Device.cpu());
    private final Map<String, Map<VggLayer, NDArray>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long hits;

    GramMemo() {
        this(BUDGET_BYTES);
    }

    /** @param budgetBytes how much it keeps at most (but always the latest painting) */
    GramMemo(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * The Gram matrices of {@code painting}: remembered ones copied into {@code manager}, else what
     * {@code compute} makes there (and a copy kept).
     *
     * @param summing how {@code compute} sums them (its layers, its tiles): part of the key
     */
    public Map<VggLayer, NDArray> grams(NDArray painting, String summing, NDManager manager,
                                        Supplier<Map<VggLayer, NDArray>> compute) {
        String key = key(painting, summing);
        synchronized (this) {
            Map<VggLayer, NDArray> remembered = entries.get(key);
            if (remembered != null) {
                hits++;
                Map<VggLayer, NDArray> copies = new EnumMap<>(VggLayer.class);
                remembered.forEach((layer, g) -> copies.put(layer, copy(g, manager)));
                return copies;
            }
        }
        Map<VggLayer, NDArray> computed = compute.get();
        remember(key, computed);
        return computed;
    }

    /** How many times a painting's Gram matrices came from here instead of a forward pass. */
    public synchronized long hits() {
        return hits;
    }

    private synchronized void remember(String key, Map<VggLayer, NDArray> grams) {
        if (entries.containsKey(key)) {
            return; // another job computed the same painting meanwhile
        }
        Map<VggLayer, NDArray> kept = new EnumMap<>(VggLayer.class);
        long size = 0;
        for (Map.Entry<VggLayer, NDArray> e : grams.entrySet()) {
            NDArray copy = copy(e.getValue(), host);
            kept.put(e.getKey(), copy);
            size += copy.size() * copy.getDataType().getNumOfBytes();
        }
        entries.put(key, kept);
        bytes += size;
        var eldest = entries.values().iterator();
        while (bytes > budgetBytes && entries.size() > 1) {
            Map<VggLayer, NDArray> dropped = eldest.next();
            eldest.remove();
            for (NDArray g : dropped.values()) {
                bytes -= g.size() * g.getDataType().getNumOfBytes();
                g.close();
            }
        }
    }

    /** A copy of {@code array} of its own, on {@code manager}'s device and freed with it. */
    private static NDArray copy(NDArray array, NDManager manager) {
        NDArray copy = array.getDevice().equals(manager.getDevice()) ? array.duplicate()
                : array.toDevice(manager.getDevice(), false);
        copy.attach(manager);
        return copy;
    }

    private static String key(NDArray painting, String summing) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(painting.toByteBuffer());
            return HexFormat.of().formatHex(sha256.digest()) + " " + painting.getShape() + " " + painting.getDataType()
                    + " " + summing;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Frees what is remembered. */
    @Override
    public synchronized void close() {
        entries.clear();
        bytes = 0;
        host.close();
    }
}
