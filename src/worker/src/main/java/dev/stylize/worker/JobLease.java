package dev.stylize.worker;

import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Which worker runs a job right now: {@code results/<jobId>/lease.json}, created with a
 * conditional write and renewed by the heartbeat. Duplicate messages for one job (S3 and SQS
 * both deliver at least once) then never run it twice at the same time: a second worker sees
 * the lease and puts its message back until the lease would expire. A worker that dies stops
 * renewing, and its lease expires with its message's visibility, so the job is taken over.
 * Taking over an expired lease is a plain overwrite; two workers doing so in the same instant
 * would both run the job, which wastes time but stays correct (one outcome, identical results).
 */
final class JobLease {
    record Holder(String worker, String expiresAt) {
    }

    private final JobStore store;
    private final String jobId;
    private final String worker;
    private final Duration length;
    private final Clock clock;

    private JobLease(JobStore store, String jobId, String worker, Duration length, Clock clock) {
        this.store = store;
        this.jobId = jobId;
        this.worker = worker;
        this.length = length;
        this.clock = clock;
    }

    /** The lease, or how long another worker still holds it. */
    sealed interface Attempt permits Acquired, HeldElsewhere {
    }

    record Acquired(JobLease lease) implements Attempt {
    }

    record HeldElsewhere(String holder, Duration remaining) implements Attempt {
    }

    static Attempt acquire(JobStore store, String jobId, String worker, Duration length, Clock clock) {
        JobLease lease = new JobLease(store, jobId, worker, length, clock);
        String key = key(jobId);
        if (store.createJson(key, lease.holder())) {
            return new Acquired(lease);
        }
        Optional<Holder> current = store.readJson(key, Holder.class);
        if (current.isPresent() && !current.get().worker().equals(worker)) {
            Duration remaining = Duration.between(clock.instant(), Instant.parse(current.get().expiresAt()));
            if (!remaining.isNegative() && !remaining.isZero()) {
                return new HeldElsewhere(current.get().worker(), remaining);
            }
        }
        lease.renew();
        return new Acquired(lease);
    }

    void renew() {
        store.writeJson(key(jobId), holder());
    }

    /** Lets the next worker in at once (an expired lease, so no delete permission is needed). */
    void release() {
        store.writeJson(key(jobId), new Holder(worker, clock.instant().toString()));
    }

    private Holder holder() {
        return new Holder(worker, clock.instant().plus(length).toString());
    }

    private static String key(String jobId) {
        return JobLayout.RESULTS + jobId + "/lease.json";
    }
}
