package dev.stylize.worker;

import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.jobs.Downsized;
import dev.stylize.jobs.Job;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * Whether a job fits the device's memory, checked before it starts: every scale of its plan must
 * have a memory plan (MemoryEstimate, for this device and precision: untiled, or in tiles) within
 * what the device has free now. A job that does not fit even in tiles fails at once, naming the
 * largest size that would, or, where the deployment allows it (STYLIZE_DOWNSIZE_TO_FIT), runs at
 * that size and says so. The run then plans its scales within the same budget, so what is
 * admitted here is what it tiles.
 */
final class MemoryAdmission {
    private static final Logger LOG = Logger.getLogger(MemoryAdmission.class);

    private final MemoryEstimate.Profile profile;
    private final LongSupplier available;
    private final boolean downsizeToFit;

    /**
     * The plan to run, how it was downsized (null: as asked), and the memory its scales plan within:
     * the fixed cost this process already holds plus what was free.
     */
    record Admitted(StylePlan plan, Downsized downsized, MemoryBudget budget) {
    }

    /**
     * @param available bytes the device can give a job now (measured per job; configurable for tests)
     */
    MemoryAdmission(MemoryEstimate.Profile profile, LongSupplier available, boolean downsizeToFit) {
        this.profile = profile;
        this.available = available;
        this.downsizeToFit = downsizeToFit;
    }

    /**
     * @param width    the photo's width, as decoded
     * @param earlier  how an earlier attempt downsized the job, whose size this one keeps
     * @param resuming a checkpoint exists: the plan must stay the one it belongs to
     * @throws PermanentJobFailure when the job does not fit and may not (or cannot) be downsized
     */
    Admitted admit(Job job, int width, int height, Downsized earlier, boolean resuming) {
        StylePlan plan = earlier == null ? job.plan() : planAt(job, width, height, earlier.to());
        long free = available.getAsLong();
        MemoryBudget budget = new MemoryBudget(free > Long.MAX_VALUE - profile.fixedBytes() ? Long.MAX_VALUE
                : profile.fixedBytes() + Math.max(0, free), 0);
        long needed = profile.jobBytes(plan, width, height, free);
        if (needed <= free) {
            LOG.infof("job %s: needs about %s of the %s free (%s)", job.jobId(), gib(needed), gib(free), profile.label());
            return new Admitted(plan, earlier, budget);
        }
        OptionalInt largest = profile.largestFitting(size -> planAt(job, width, height, size), width, height, free,
                Limits.SERVICE.minSize(), plan.size() - 1);
        String arithmetic = String.format(Locale.ROOT, "a %d px result needs about %s of %s memory but %s is free",
                plan.size(), gib(needed), profile.device().equals("gpu") ? "GPU" : "host", gib(free));
        if (largest.isEmpty()) {
            throw new PermanentJobFailure(arithmetic + ", not enough for even " + Limits.SERVICE.minSize() + " px");
        }
        int to = largest.getAsInt();
        if (!downsizeToFit || resuming) {
            throw new PermanentJobFailure(arithmetic + String.format(Locale.ROOT, "; the largest that fits is about %d px on "
                    + "its longest side: resubmit with maxSize %d or less", to, to));
        }
        String reason = arithmetic + String.format(Locale.ROOT, "; run at %d px, the largest that fits", to);
        LOG.warnf("job %s: %s", job.jobId(), reason);
        return new Admitted(planAt(job, width, height, to), new Downsized(job.plan().size(), to, reason), budget);
    }

    /** The job's plan at another result size: its preset and options, that maxSize. */
    static StylePlan planAt(Job job, int width, int height, int size) {
        return Preset.named(job.preset()).plan(width, height, job.options().with(PlanOptions.MAX_SIZE, size));
    }

    long available() {
        return available.getAsLong();
    }

    /** "1.25 GiB", or "350 MiB" under a GiB. */
    static String gib(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / 1073741824.0)
                : String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
