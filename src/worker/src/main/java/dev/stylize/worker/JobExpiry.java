package dev.stylize.worker;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * A job's time to live (STYLIZE_JOB_TTL): a job that no worker started within it, counted from its
 * acceptance, ends EXPIRED when a worker receives it, instead of running for someone who gave up
 * long ago (after an outage, say). A job that started once runs on: its owner saw it move.
 */
record JobExpiry(Duration timeToLive) {

    JobExpiry {
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("a job's time to live must be positive, got " + timeToLive);
        }
    }

    /** Why the job expired, if it did: it never started and was accepted longer than the time to live before {@code now}. */
    Optional<String> reason(Job job, Optional<JobStatus> status, Instant now) {
        // A retried job's status is QUEUED again, without startedAt, but keeps the attempt it was at.
        boolean started = status.filter(s -> s.startedAt() != null || (s.attempt() != null && s.attempt() > 0)).isPresent();
        if (started || job.acceptedAt() == null) {
            return Optional.empty();
        }
        Duration waited;
        try {
            waited = Duration.between(Instant.parse(job.acceptedAt()), now);
        } catch (DateTimeParseException e) {
            return Optional.empty(); // a record from before acceptedAt was an instant: its age is unknown, so it runs
        }
        if (waited.compareTo(timeToLive) <= 0) {
            return Optional.empty();
        }
        return Optional.of("the job was not started within its time to live of " + words(timeToLive) + " (it waited "
                + words(waited) + "); it was not run, and may be submitted again");
    }

    /** 26 h 5 min, 12 min 30 s. */
    static String words(Duration d) {
        return d.toHours() > 0
                ? String.format(Locale.ROOT, "%d h %d min", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%d min %d s", d.toMinutes(), d.toSecondsPart());
    }
}
