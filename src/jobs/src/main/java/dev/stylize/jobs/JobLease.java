package dev.stylize.jobs;

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
public final class JobLease {
    /** The lease document: who holds it, until when. */
    public record Holder(String worker, String expiresAt) {
    }

    /** The lease, or how long another worker still holds it. */
    public sealed interface Attempt permits Acquired, HeldElsewhere {
    }

    public record Acquired(JobLease lease) implements Attempt {
    }

    public record HeldElsewhere(String holder, Duration remaining) implements Attempt {
    }

    private final JobLedger ledger;
    private final String jobId;
    private final String worker;
    private final Duration length;
    private final Clock clock;

    private JobLease(JobLedger ledger, String jobId, String worker, Duration length, Clock clock) {
        this.ledger = ledger;
        this.jobId = jobId;
        this.worker = worker;
        this.length = length;
        this.clock = clock;
    }

    static Attempt acquire(JobLedger ledger, String jobId, String worker, Duration length, Clock clock) {
        JobLease lease = new JobLease(ledger, jobId, worker, length, clock);
        String key = JobLayout.leaseKey(jobId);
        if (ledger.createJson(key, lease.holder())) {
            return new Acquired(lease);
        }
        Optional<Holder> current = ledger.readJson(key, Holder.class);
        if (current.isPresent() && !current.get().worker().equals(worker)) {
            Duration remaining = Duration.between(clock.instant(), Instant.parse(current.get().expiresAt()));
            if (!remaining.isNegative() && !remaining.isZero()) {
                return new HeldElsewhere(current.get().worker(), remaining);
            }
        }
        lease.renew();
        return new Acquired(lease);
    }

    public void renew() {
        ledger.writeJson(JobLayout.leaseKey(jobId), holder());
    }

    /** Lets the next worker in at once (an expired lease, so no delete permission is needed). */
    public void release() {
        ledger.writeJson(JobLayout.leaseKey(jobId), new Holder(worker, clock.instant().toString()));
    }

    private Holder holder() {
        return new Holder(worker, clock.instant().plus(length).toString());
    }
}
