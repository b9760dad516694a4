package dev.stylize.worker;

import dev.stylize.engine.StyleRun;
import dev.stylize.jobs.Checkpoint;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLease;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.requests.JobCancellations;
import dev.stylize.jobs.telemetry.JobLogging;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * One job message, from its receipt to its settlement: take the job's lease (so duplicate
 * messages never run it twice at once), skip a job that has ended, end a job that outlived its time
 * to live or was cancelled unrun, run the others under a heartbeat (stopping at the next step when
 * the job is cancelled), and settle the message by how the run ended.
 */
final class MessageHandler {
    private static final Logger LOG = Logger.getLogger(MessageHandler.class);
    /**
     * A job whose runs killed the worker process this often (found RUNNING by the next delivery)
     * fails at once instead of taking down the next worker too.
     */
    static final int MAX_INTERRUPTIONS = 2;

    /** Runs one job to its end or to a checkpoint when {@code stop} says so; {@link JobRunner} in production. */
    interface Runner {
        /**
         * Starts reading the job's inputs among its other {@code reads}, which {@link #run} then takes; called
         * once the job's lease is held.
         */
        default InputsRead read(Job job, JobReads reads) {
            return InputsRead.NONE;
        }

        /** @param inputs the read {@link #read} started for this job */
        StyleRun.Ending run(Job job, InputsRead inputs, Attempt attempt, BooleanSupplier stop);
    }

    /**
     * One attempt at a job, as this worker starts it.
     *
     * @param number      the delivery of the job's message that this is (1 for the first)
     * @param receivedAt  when this worker took the message
     * @param status      the job's status as the attempt started it: RUNNING, counting the interruptions
     * @param checkpoints the job's recorded checkpoints, newest first
     */
    record Attempt(int number, Instant receivedAt, JobStatus status, List<Checkpoint> checkpoints) {
    }

    private final JobLedger ledger;
    private final JobQueue queue;
    private final Settlement settlement;
    private final Runner runner;
    private final ScheduledExecutorService heartbeats;
    private final String workerId;
    private final int visibilitySeconds;
    private final int heartbeatSeconds;
    private final JobExpiry expiry;
    private final JobReads reads = new JobReads();
    /** The running jobs' cancel checks: on a thread of their own, so a slow S3 answer never holds up a heartbeat. */
    private final ScheduledExecutorService cancelChecks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("cancel-checks").daemon().factory());

    MessageHandler(JobLedger ledger, JobQueue queue, Settlement settlement, Runner runner, ScheduledExecutorService heartbeats,
                   String workerId, int visibilitySeconds, int heartbeatSeconds, JobExpiry expiry) {
        this.ledger = ledger;
        this.queue = queue;
        this.settlement = settlement;
        this.runner = runner;
        this.heartbeats = heartbeats;
        this.workerId = workerId;
        this.visibilitySeconds = visibilitySeconds;
        this.heartbeatSeconds = heartbeatSeconds;
        this.expiry = expiry;
    }

    /**
     * @return false when the job's records could not be read or written (S3 failing): the message
     *         comes back later, and the caller should pause before it takes more work
     */
    boolean handle(Message message, BooleanSupplier stopping) {
        Instant receivedAt = Instant.now();
        if (stopping.getAsBoolean()) {
            settlement.release(message);
            return true;
        }
        int attempt = JobQueue.attempt(message);
        String jobId;
        try {
            jobId = Json.read(message.body(), JobMessage.class).jobId();
        } catch (RuntimeException e) {
            settlement.unreadable(message, attempt);
            return true;
        }
        if (jobId == null) {
            settlement.unreadable(message, attempt);
            return true;
        }
        try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
            handle(message, jobId, attempt, receivedAt, stopping);
            return true;
        } catch (RuntimeException storeFailing) { // the run's own errors are settled in run(): this is the records
            settlement.recordsUnavailable(message, jobId, attempt, storeFailing);
            return false;
        }
    }

    /**
     * Everything from here on is about one job: its id is on every log line (and the heartbeat's).
     * The records each decision needs are read side by side, before the decisions that need them:
     * the job's record beside taking its lease, then, once the lease is held (so that what a worker
     * that held it before wrote is seen), whether the job ended, its status, a cancellation and its
     * checkpoints beside the download of its inputs.
     */
    private void handle(Message message, String jobId, int attempt, Instant receivedAt, BooleanSupplier stopping) {
        CompletableFuture<Optional<Job>> recorded = reads.start(() -> ledger.job(jobId));
        JobLease lease;
        switch (ledger.lease(jobId, workerId, Duration.ofSeconds(visibilitySeconds))) {
            case JobLease.HeldElsewhere held -> {
                LOG.infof("job %s is running on %s; this duplicate message waits", jobId, held.holder());
                settlement.heldElsewhere(message, held.remaining());
                return;
            }
            case JobLease.Acquired acquired -> lease = acquired.lease();
        }
        try {
            CompletableFuture<Boolean> ended = reads.start(() -> ledger.hasEnded(jobId));
            CompletableFuture<Optional<JobStatus>> status = reads.start(() -> ledger.status(jobId));
            CompletableFuture<Boolean> cancelRequested = reads.start(() -> ledger.cancelRequested(jobId));
            CompletableFuture<List<Checkpoint>> checkpoints = reads.start(() -> ledger.checkpoints(jobId));
            Optional<Job> job = JobReads.result(recorded);
            try (InputsRead inputs = job.map(j -> runner.read(j, reads)).orElse(InputsRead.NONE)) {
                if (JobReads.result(ended)) {
                    LOG.infof("job %s already ended; duplicate message removed", jobId);
                    settlement.done(message);
                    return;
                }
                if (job.isEmpty()) {
                    settlement.fail(message, Job.missing(jobId, ledger.store().bucket()),
                            new PermanentJobFailure("the job record results/" + jobId + "/job.json is missing"));
                    return;
                }
                Optional<String> expired = expiry.reason(job.get(), JobReads.result(status), receivedAt);
                if (expired.isPresent()) {
                    settlement.fail(message, job.get(), new PermanentJobFailure(JobState.EXPIRED, expired.get(), null));
                    return;
                }
                if (JobReads.result(cancelRequested)) { // cancelled while it waited; the intake may not have ended it yet
                    settlement.fail(message, job.get(), cancelled());
                    return;
                }
                JobStatus started = ledger.attemptStarted(jobId, attempt, JobReads.result(status));
                // Ended in the moment between the checks above and the start (the intake cancelling a job it saw
                // queued)? Read beside the run's start, which stops at its next step if so: before its first, as a
                // rule, since decoding and the targets take longer than a read.
                CompletableFuture<Boolean> endedAsItStarted = reads.start(() -> ledger.hasEnded(jobId));
                if (started.interruptions() >= MAX_INTERRUPTIONS) {
                    if (JobReads.result(endedAsItStarted)) {
                        ledger.endedMeanwhile(jobId); // the RUNNING just written may have landed after the ended status
                        settlement.done(message);
                        return;
                    }
                    settlement.fail(message, job.get(), new PermanentJobFailure("the job stopped its worker "
                            + started.interruptions() + " times (the process died while running it, e.g. out of memory); "
                            + "it is not tried again"));
                    return;
                }
                run(message, job.get(), inputs, new Attempt(attempt, receivedAt, started, JobReads.result(checkpoints)), lease,
                        stopping, JobReads.onceTrue(endedAsItStarted));
            }
        } finally {
            releaseQuietly(lease);
        }
    }

    /**
     * Runs the job under a heartbeat. Errors the JVM survives (an allocation that does not fit, a
     * stack too deep) end this job, not the worker: the loop goes on with the next message.
     */
    private void run(Message message, Job job, InputsRead inputs, Attempt attempt, JobLease lease, BooleanSupplier stopping,
                     BooleanSupplier endedAsItStarted) {
        try (Heartbeat ignored = new Heartbeat(heartbeats, queue, message, lease, heartbeatSeconds, visibilitySeconds);
             CancelWatch cancelled = new CancelWatch(cancelChecks, ledger, job.jobId())) {
            StyleRun.Ending ending = runner.run(job, inputs, attempt,
                    () -> stopping.getAsBoolean() || cancelled.getAsBoolean() || endedAsItStarted.getAsBoolean());
            if (ending == StyleRun.Ending.FINISHED) {
                settlement.done(message);
            } else if (endedAsItStarted.getAsBoolean()) {
                ledger.endedMeanwhile(job.jobId()); // this attempt's statuses may have landed after the ended one
                settlement.done(message);
            } else if (cancelled.getAsBoolean()) {
                settlement.fail(message, job, cancelled());
            } else {
                settlement.release(message);
                LOG.infof("job %s checkpointed and released for another worker", job.jobId());
            }
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            settlement.failed(message, job, attempt.number(), e, stopping.getAsBoolean());
        }
    }

    private static PermanentJobFailure cancelled() {
        return new PermanentJobFailure(JobState.CANCELLED, JobCancellations.CANCELLED, null);
    }

    private static void releaseQuietly(JobLease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.warnf("could not release a job lease (it expires by itself): %s", e.getMessage());
        }
    }
}
