package dev.stylize.plan;

import java.util.Locale;

/**
 * What one job may cost, in megapixel-steps: the sum over its plan's scales of steps × width ×
 * height / 10^6, the pixels one step pushes through VGG19 times the steps. A step's GPU time grows
 * with its pixels (docs/performance.md), so this bounds a job's compute whatever its shape: six
 * scales of many steps, or one print-sized scale. The intake refuses a job over the deployment's
 * budget (the template's JobBudget) and the worker checks it again before the first step.
 *
 * @param megapixelSteps the most one job may cost
 */
public record JobBudget(double megapixelSteps) {
    /**
     * The default for a deployment whose largest job size is {@code maxJobSize}: twice a square
     * quality job at that size, so every quality job and most others fit. At 2048 px that is 224
     * ({@link #cost} of 2048 × 2048: 111.8), where the seed recipe's 2000 steps fit up to about 330 px.
     */
    public static JobBudget defaultFor(int maxJobSize) {
        StylePlan largest = Preset.QUALITY.plan(maxJobSize, maxJobSize, PlanOptions.of(PlanOptions.MAX_SIZE, maxJobSize));
        return new JobBudget(Math.ceil(2 * cost(largest, maxJobSize, maxJobSize)));
    }

    public JobBudget {
        if (!(megapixelSteps > 0) || Double.isInfinite(megapixelSteps)) {
            throw new IllegalArgumentException("a job budget is a positive number of megapixel-steps, got " + megapixelSteps);
        }
    }

    /** The plan's cost for a photo of {@code width} × {@code height}, each scale at the size the engine runs it. */
    public static double cost(StylePlan plan, int width, int height) {
        int longest = Math.max(width, height);
        double cost = 0;
        for (Scale scale : plan.schedule()) {
            double f = Math.min(1.0, (double) scale.size() / longest);
            long w = Math.max(1, Math.round(width * f));
            long h = Math.max(1, Math.round(height * f));
            cost += (double) scale.steps() * w * h / 1e6;
        }
        return cost;
    }

    /**
     * @return {@code plan}, when it fits
     * @throws InvalidInputException saying what the job would cost, the budget, and what to change
     */
    public StylePlan require(StylePlan plan, int width, int height) {
        double cost = cost(plan, width, height);
        if (cost > megapixelSteps) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "the job would cost %s megapixel-steps (steps × width × height / 10^6, over its %d scale%s), more "
                            + "than this deployment allows one job (%s); ask for fewer steps or a smaller maxSize",
                    String.format(Locale.ROOT, cost < 1 ? "%.3f" : "%.1f", cost), plan.schedule().size(), plan.schedule().size() == 1 ? "" : "s", Limits.text(megapixelSteps)));
        }
        return plan;
    }
}
