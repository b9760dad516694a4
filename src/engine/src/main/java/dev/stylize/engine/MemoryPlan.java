package dev.stylize.engine;

/**
 * How one scale of a run uses its memory: the whole image at once or tiles of a size, and
 * how many L-BFGS curvature pairs it keeps ({@link MemoryEstimate.Profile#plan}).
 *
 * @param tileSize     the longest side of a tile's own pixels, or {@link #UNTILED}
 * @param lbfgsHistory curvature pairs L-BFGS keeps (unused by Adam)
 * @param bytes        the resident memory the plan is estimated to reach
 */
public record MemoryPlan(int tileSize, int lbfgsHistory, long bytes) {
    public static final int UNTILED = Integer.MAX_VALUE;

    public boolean tiled() {
        return tileSize != UNTILED;
    }

    /** One line for the run's header. */
    public String summary() {
        return (tiled() ? "tiles of " + tileSize + " px" : "untiled") + ", L-BFGS history " + lbfgsHistory
                + String.format(java.util.Locale.ROOT, ", about %.1f GiB", bytes / 1073741824.0);
    }
}
