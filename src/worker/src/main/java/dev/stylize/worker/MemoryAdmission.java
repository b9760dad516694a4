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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether a job fits the device's memory, checked before it starts: every scale of its plan must
 * have a memory plan (MemoryEstimate, for this device and precision: untiled, or in tiles) within
 * what the device has free now. A job that does not fit even in tiles fails at once, naming the
 * largest size that would, or, where the deployment allows it (STYLIZE_DOWNSIZE_TO_FIT), runs at
 * that size and says so. The run then plans its scales within the same budget, so what is
 * admitted here is what it tiles.
 *
 * <p>With several jobs at once, each admitted job reserves its estimate until it ends, and the next is
 * measured against what an empty worker has less those reservations (the device's free memory,
 * read while jobs run, says little: a job that just started has not allocated yet, one that ran holds
 * its allocator's cache). A job that fits an empty worker but not beside the running jobs waits here,
 * its message kept invisible by its heartbeat (a message handed back would count a receive, and drift
 * to the dead-letter queue), until enough is released.
 */
final class MemoryAdmission {
    private static final Logger LOG = Logger.getLogger(MemoryAdmission.class);
    /** How often a waiting job looks again even without a release (the device's memory may change). */
    private static final long RECHECK_MILLIS = 1000;

    private final MemoryEstimate.Profile profile;
    private final LongSupplier available;
    private final boolean downsizeToFit;
    /** Bytes the running jobs reserved. Guarded by this. */
    private long reserved;
    /** What an empty worker has: the device's free memory, measured when no job held a reservation. */
    private long capacity = -1;

    /**
     * The plan to run, how it was downsized (null: as asked), and the memory its scales plan within:
     * the fixed cost this process already holds plus what was free for it. Closing it releases the
     * job's reservation.
     */
    final class Admitted implements AutoCloseable {
        private final StylePlan plan;
        private final Downsized downsized;
        private final MemoryBudget budget;
        private final long reservation;
        private boolean released;

        private Admitted(StylePlan plan, Downsized downsized, MemoryBudget budget, long reservation) {
            this.plan = plan;
            this.downsized = downsized;
            this.budget = budget;
            this.reservation = reservation;
        }

        StylePlan plan() {
            return plan;
        }

        Downsized downsized() {
            return downsized;
        }

        MemoryBudget budget() {
            return budget;
        }

        @Override
        public void close() {
            synchronized (MemoryAdmission.this) {
                if (!released) {
                    released = true;
                    reserved -= reservation;
                    MemoryAdmission.this.notifyAll();
                }
            }
        }
    }

    /**
     * @param available bytes the device can give jobs now (measured when no job runs; configurable for tests)
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
     * @param stop     asked while the job waits for memory; when true it stops waiting
     * @return the admission, held until the job ends; empty when {@code stop} said so while it waited
     * @throws PermanentJobFailure when the job does not fit an empty worker and may not (or cannot) be downsized
     */
    Optional<Admitted> admit(Job job, int width, int height, Downsized earlier, boolean resuming, BooleanSupplier stop) {
        StylePlan plan = earlier == null ? job.plan() : planAt(job, width, height, earlier.to());
        boolean waiting = false;
        synchronized (this) {
            while (true) {
                long whole = capacity();
                long free = Math.max(0, whole - reserved);
                long needed = profile.jobBytes(plan, width, height, free);
                if (needed <= free) {
                    LOG.infof("job %s: needs about %s of the %s free (%s)", job.jobId(), gib(needed), gib(free), profile.label());
                    return Optional.of(reserve(plan, earlier, free, needed));
                }
                if (reserved == 0 || profile.jobBytes(plan, width, height, whole) > whole) {
                    return Optional.of(refuseOrDownsize(job, width, height, plan, whole, needed, resuming));
                }
                if (stop.getAsBoolean()) {
                    return Optional.empty();
                }
                if (!waiting) {
                    waiting = true;
                    LOG.infof("job %s: needs about %s; %s of %s is reserved by the running jobs: waiting for them",
                            job.jobId(), gib(needed), gib(reserved), gib(whole));
                }
                try {
                    wait(RECHECK_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    /** The job does not fit an empty worker: it fails naming the largest size that fits, or runs at that size. */
    private Admitted refuseOrDownsize(Job job, int width, int height, StylePlan plan, long free, long needed, boolean resuming) {
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
        StylePlan smaller = planAt(job, width, height, to);
        return reserve(smaller, new Downsized(job.plan().size(), to, reason), free,
                Math.min(free, profile.jobBytes(smaller, width, height, free)));
    }

    /** Guarded by this. */
    private Admitted reserve(StylePlan plan, Downsized downsized, long free, long needed) {
        reserved += needed;
        MemoryBudget budget = new MemoryBudget(free > Long.MAX_VALUE - profile.fixedBytes() ? Long.MAX_VALUE
                : profile.fixedBytes() + free, 0);
        return new Admitted(plan, downsized, budget, needed);
    }

    /** What an empty worker has: measured now when no job holds memory, else as measured then. Guarded by this. */
    private long capacity() {
        if (reserved == 0 || capacity < 0) {
            capacity = available.getAsLong();
        }
        return capacity;
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
