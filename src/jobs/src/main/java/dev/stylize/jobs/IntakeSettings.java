package dev.stylize.jobs;

import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;

/**
 * What the intake accepts and what an inbox upload gets when it says nothing.
 *
 * @param limits          what one job may ask: the deployment's largest size (MaxJobSize), steps
 * @param maxUploadBytes  larger photos are rejected from the event's size, never downloaded
 * @param maxPixels       larger declared dimensions are rejected from the header
 * @param defaultPreset   preset of inbox jobs and of manifests that name none
 * @param defaultOptions  options of inbox jobs; a manifest's options override them one by one
 * @param jobBudget       the most one job may cost; a job over it is rejected, saying what it would cost
 */
public record IntakeSettings(Limits limits, long maxUploadBytes, long maxPixels, Preset defaultPreset,
                             PlanOptions defaultOptions, JobBudget jobBudget) {
    /** Settings whose upload limits and budget follow {@code limits}' largest size, as a deployment's do unless it sets them. */
    public static IntakeSettings of(Limits limits, Preset defaultPreset, PlanOptions defaultOptions) {
        return new IntakeSettings(limits, limits.maxUploadBytes(), limits.maxPixels(), defaultPreset, defaultOptions,
                JobBudget.defaultFor(limits.maxSize()));
    }

    /**
     * The plan of a job the intake accepts, for a photo of {@code width} x {@code height}: the
     * preset and options asked (else these defaults), within the limits and this budget.
     *
     * @param preset  the preset asked, or null for the default
     * @param options the options asked; the defaults fill in the rest
     * @throws InvalidInputException saying which bound the job would break
     */
    public StylePlan plan(Preset preset, PlanOptions options, int width, int height) {
        return jobBudget.require(planWithinLimits(preset, options, width, height), width, height);
    }

    /** {@link #plan} before the budget: what can be checked before the photo is known (at its largest). */
    public StylePlan planWithinLimits(Preset preset, PlanOptions options, int width, int height) {
        Preset chosen = preset != null ? preset : defaultPreset;
        PlanOptions asked = options.orElse(defaultOptions);
        StylePlan plan = chosen.plan(width, height, asked);
        if (plan.size() > limits.maxSize()) { // a preset's own size above a deployment's smaller MaxJobSize
            plan = chosen.plan(width, height, asked.with(PlanOptions.MAX_SIZE, limits.maxSize()));
        }
        return plan.requireWithin(limits);
    }
}
