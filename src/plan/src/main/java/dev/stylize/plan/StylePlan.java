package dev.stylize.plan;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Everything one stylisation does, resolved: made once, at the edge (the intake from a
 * manifest or an inbox upload, the command line from its flags), by {@link Preset#plan}, and run
 * as it is by the engine. A job's job.json carries it.
 *
 * @param styleFitsContent resize the paintings to the content's exact width and height (the seed
 *                         notebook), instead of keeping their aspect ratio
 * @param styleScale       the paintings' size relative to the result: below 1 their brush strokes
 *                         come out larger
 * @param keepColors       give the result the photo's colours (only the luminance is stylised)
 * @param schedule         the sizes optimised at, coarsest first; the last is the result's size
 * @param checkpointEvery  checkpoint every this many steps (0: only at the end of each scale)
 */
public record StylePlan(
        Objective objective,
        OptimizerKind optimizer,
        double learningRate,
        Init init,
        long seed,
        Pooling pooling,
        boolean styleFitsContent,
        double styleScale,
        boolean keepColors,
        List<Scale> schedule,
        int checkpointEvery) {

    public StylePlan {
        if (schedule.isEmpty() || schedule.size() > Limits.MAX_SCALES) {
            throw new InvalidInputException("a schedule has from 1 to " + Limits.MAX_SCALES + " scales, got " + schedule.size());
        }
        schedule = List.copyOf(schedule);
        checkpointEvery = Math.max(0, checkpointEvery);
    }

    public int totalSteps() {
        return schedule.stream().mapToInt(Scale::steps).sum();
    }

    /**
     * Refuses a plan with more steps in all, across its scales, than {@code limits} allow (each
     * option's own bound holds per scale; six scales of a preset's steps can be far more).
     *
     * @return this
     */
    public StylePlan requireWithin(Limits limits) {
        int total = totalSteps();
        if (total > limits.maxSteps()) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "a job may take at most %d steps in all, across its scales; this one takes %d (%s)", limits.maxSteps(),
                    total, schedule.stream().map(s -> s.steps() + " at " + s.size() + " px").collect(Collectors.joining(", "))));
        }
        return this;
    }

    /** The result's longest side. */
    public int size() {
        return schedule.get(schedule.size() - 1).size();
    }

    /** One line for logs and the run's header. */
    public String summary() {
        String layers = objective.styleLayerWeights().entrySet().stream()
                .map(e -> e.getKey().label() + "=" + e.getValue()).collect(Collectors.joining(","));
        return String.format(Locale.ROOT,
                "loss=%s content=%g style=%g tv=%g contentLayer=%s styleLayers=%s optimizer=%s lr=%g init=%s seed=%d "
                        + "pooling=%s styleScale=%g keepColors=%s scales=%s",
                objective.lossForm(), objective.contentWeight(), objective.styleWeight(), objective.tvWeight(),
                objective.contentLayer().label(), layers, optimizer, learningRate, init, seed, pooling, styleScale,
                keepColors, schedule);
    }
}
