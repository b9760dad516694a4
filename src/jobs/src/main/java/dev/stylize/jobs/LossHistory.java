package dev.stylize.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * The loss over a run's steps, for a plot, in bounded space: every step is kept until there are
 * {@link #MAX_POINTS}, then every other point is dropped and only every second step is kept from
 * then on, and so on. The points stay evenly spaced over the whole run.
 */
public final class LossHistory {
    public static final int MAX_POINTS = 300;

    private final List<double[]> points = new ArrayList<>();
    private int spacing = 1;

    /** Continues a history read back from a status (a resumed job's plot starts where it was). */
    public LossHistory(List<double[]> earlier) {
        if (earlier != null) {
            earlier.forEach(p -> add((int) p[0], p[1]));
        }
    }

    public void add(int step, double loss) {
        if (step % spacing != 0 || (!points.isEmpty() && step <= points.get(points.size() - 1)[0])) {
            return;
        }
        points.add(new double[] {step, loss});
        if (points.size() > MAX_POINTS) {
            spacing *= 2;
            points.removeIf(p -> (int) p[0] % spacing != 0);
        }
    }

    public List<double[]> points() {
        return points.stream().map(double[]::clone).toList();
    }
}
