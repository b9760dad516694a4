package dev.stylize.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * The loss over a run's steps, for a plot, in bounded space: every step is kept until there are
 * {@link #MAX_POINTS}, then every other point is dropped and only every second step is kept from
 * then on, and so on. The points stay evenly spaced over the whole run, and the newest step is
 * always the last point (so a plot ends where the run is, also between the spaced points).
 */
public final class LossHistory {
    public static final int MAX_POINTS = 300;

    /** Evenly spaced; with {@link #newest} at most {@link #MAX_POINTS} together. */
    private final List<double[]> points = new ArrayList<>();
    private double[] newest;
    private int spacing = 1;

    /** Continues a history read back from a status (a resumed job's plot starts where it was). */
    public LossHistory(List<double[]> earlier) {
        if (earlier != null) {
            earlier.forEach(p -> add((int) p[0], p[1]));
        }
    }

    public void add(int step, double loss) {
        if (newest != null && step <= newest[0]) {
            return;
        }
        newest = new double[] {step, loss};
        if (step % spacing != 0) {
            return;
        }
        points.add(newest);
        if (points.size() >= MAX_POINTS) { // room for a newest step off the spacing
            spacing *= 2;
            points.removeIf(p -> (int) p[0] % spacing != 0);
        }
    }

    public List<double[]> points() {
        List<double[]> all = new ArrayList<>(points);
        if (newest != null && (all.isEmpty() || all.get(all.size() - 1) != newest)) {
            all.add(newest);
        }
        return all.stream().map(double[]::clone).toList();
    }
}
