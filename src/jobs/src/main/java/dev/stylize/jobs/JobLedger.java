package dev.stylize.jobs;

import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.plan.ResultFormat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one owner of {@code results/<jobId>/}: every record of a job is written here and nowhere
 * else. A job is recorded once (job.json, then QUEUED), reports progress while it runs, goes
 * back to the queue after a transient error, and ends once: the outcome is created with a
 * conditional write, and only the call that created it writes the terminal status, so a job has
 * one outcome (and one completion event) however many deliveries race to end it.
 */
public final class JobLedger {
    /** Checkpoint states carry this tag; template.yaml's lifecycle rule expires what the worker does not delete. */
    public static final String LIFETIME_TAG = "stylize-lifetime=checkpoint-state";

    private final ObjectStore store;
    private final Clock clock;

    public JobLedger(ObjectStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The bucket the records live in, which holds the jobs' inputs too. */
    public ObjectStore store() {
        return store;
    }

    public String now() {
        return clock.instant().toString();
    }

    /**
     * Records an accepted job: job.json, created once, then its QUEUED status.
     *
     * @return true if this call recorded it, false if a repeated event had already
     */
    public boolean record(Job job) {
        boolean created = createJson(JobLayout.jobKey(job.jobId()), job);
        if (created) {
            writeJson(JobLayout.statusKey(job.jobId()), JobStatus.queued(job.jobId(), now()));
        }
        return created;
    }

    public Optional<Job> job(String jobId) {
        return readJson(JobLayout.jobKey(jobId), Job.class);
    }

    public Optional<JobStatus> status(String jobId) {
        return readJson(JobLayout.statusKey(jobId), JobStatus.class);
    }

    public Optional<Outcome> outcome(String jobId) {
        return readJson(JobLayout.outcomeKey(jobId), Outcome.class);
    }

    /**
     * The job an upload at {@code key} became, once the intake has recorded it: its id starts with
     * the key's {@link JobLayout#jobIdBase}, which {@link JobLayout#uniqueUploadName} makes unique.
     */
    public Optional<String> jobOf(String key) {
        String base = JobLayout.jobIdBase(key);
        if (base.isEmpty()) {
            return Optional.empty();
        }
        return store.list(JobLayout.RESULTS + base + "-").stream().map(o -> o.key().split("/")[1]).findFirst();
    }

    public boolean hasEnded(String jobId) {
        return store.exists(JobLayout.outcomeKey(jobId));
    }

    /**
     * A worker starts an attempt at the job: the status says RUNNING from now on. If it already said
     * RUNNING, the previous attempt's worker died while running the job (a worker that stops in good
     * order leaves it QUEUED or ended): that is counted.
     *
     * @return how many times a worker has died running this job
     */
    public int attemptStarted(String jobId, int attempt) {
        return attemptStarted(jobId, attempt, status(jobId)).interruptions();
    }

    /**
     * {@link #attemptStarted(String, int)} for a worker that has just read the job's status.
     *
     * @param onRecord the job's status as just read
     * @return the status written, which counts the interruptions
     */
    public JobStatus attemptStarted(String jobId, int attempt, Optional<JobStatus> onRecord) {
        JobStatus started = onRecord.orElse(JobStatus.queued(jobId, now())).started(attempt, now());
        writeJson(JobLayout.statusKey(jobId), started);
        return started;
    }

    /**
     * Writes an ended job's terminal status again, from its outcome, so that the two agree: for a
     * party whose status write landed after another party ended the job (a worker writing RUNNING as
     * the intake cancels it; two ends of an unrecorded job at once). Nothing happens to a job that
     * has not ended.
     */
    public void endedMeanwhile(String jobId) {
        outcome(jobId).ifPresent(outcome -> writeJson(JobLayout.statusKey(jobId),
                status(jobId).orElse(JobStatus.queued(jobId, outcome.timings().finishedAt())).ended(outcome)));
    }

    /** The running job's progress. */
    public void progress(JobStatus status) {
        writeJson(JobLayout.statusKey(status.jobId()), status);
    }

    /** Back in the queue after a transient error; the error is kept for the dead-letter outcome. */
    public void retrying(String jobId, int attempt, String error) {
        JobStatus previous = status(jobId).orElse(JobStatus.queued(jobId, now()));
        writeJson(JobLayout.statusKey(jobId), previous.retrying(attempt, error, now()));
    }

    /**
     * Ends a job: creates its outcome, then (only if this call created it) its terminal status,
     * built from {@code last} (the run's final progress) or else from the status on record, and
     * removes its resumable checkpoint states.
     *
     * @return true if this call ended the job, false if it had ended already (its outcome stands)
     */
    public boolean end(Outcome outcome, JobStatus last) {
        if (!createJson(JobLayout.outcomeKey(outcome.jobId()), outcome)) {
            return false;
        }
        JobStatus before = last != null ? last
                : status(outcome.jobId()).orElse(JobStatus.queued(outcome.jobId(), outcome.timings().finishedAt()));
        writeJson(JobLayout.statusKey(outcome.jobId()), before.ended(outcome));
        forgetCheckpoints(outcome.jobId(), outcome.status() == JobState.CANCELLED);
        return true;
    }

    public boolean end(Outcome outcome) {
        return end(outcome, null);
    }

    /**
     * Ends a job that was never recorded (an upload the intake refused; a request cancelled, or
     * whose photo never came): its terminal status first, then the outcome, so that when the
     * outcome's event reaches the notifier the job is on record.
     */
    public boolean endUnrecorded(Outcome outcome) {
        if (hasEnded(outcome.jobId())) {
            return false;
        }
        writeJson(JobLayout.statusKey(outcome.jobId()), JobStatus.queued(outcome.jobId(), now()).ended(outcome));
        if (!createJson(JobLayout.outcomeKey(outcome.jobId()), outcome)) {
            endedMeanwhile(outcome.jobId()); // another party ended it first: its outcome, and its status, stand
            return false;
        }
        return true;
    }

    /** A job asked for through the API, its photo not uploaded yet; kept as it is if it has moved on. */
    public void awaitingUpload(String jobId) {
        createJson(JobLayout.statusKey(jobId), JobStatus.awaitingUpload(jobId, now()));
    }

    /** Whether the job's owner has asked to cancel it ({@link JobLayout#cancelKey}). */
    public boolean cancelRequested(String jobId) {
        return store.exists(JobLayout.cancelKey(jobId));
    }

    /** The record of a job's completion event, written once it was published. */
    private record Announcement(String eventId, String at) {
    }

    public boolean isAnnounced(String jobId) {
        return store.exists(JobLayout.announcedKey(jobId));
    }

    /** Records that the job's completion event was published, so a second outcome write never announces again. */
    public void announced(String jobId, String eventId) {
        createJson(JobLayout.announcedKey(jobId), new Announcement(eventId, now()));
    }

    /** The list of a job's checkpoints, as {@code checkpoints.json} holds it. */
    private record CheckpointIndex(List<Checkpoint> checkpoints) {
    }

    /**
     * A checkpoint: the image to look at, the state to resume from, then its record (step, digest,
     * length), which is what makes it a checkpoint: a state nobody recorded is never resumed from.
     *
     * @return the image's key
     */
    public String saveCheckpoint(String jobId, int step, byte[] png, byte[] state) {
        String imageKey = JobLayout.checkpointImageKey(jobId, step);
        store.write(imageKey, png, "image/png");
        store.writeTagged(JobLayout.checkpointStateKey(jobId, step), state, "application/octet-stream", LIFETIME_TAG);
        List<Checkpoint> recorded = new ArrayList<>(checkpoints(jobId));
        recorded.removeIf(c -> c.step() == step);
        recorded.add(new Checkpoint(step, Digests.sha256(state), state.length));
        recorded.sort(Comparator.comparingInt(Checkpoint::step).reversed());
        writeJson(JobLayout.checkpointIndexKey(jobId), new CheckpointIndex(recorded));
        return imageKey;
    }

    /** The job's recorded checkpoints, newest first. */
    public List<Checkpoint> checkpoints(String jobId) {
        return readJson(JobLayout.checkpointIndexKey(jobId), CheckpointIndex.class)
                .map(CheckpointIndex::checkpoints).orElse(List.of());
    }

    /**
     * A recorded checkpoint's state, checked against its record.
     *
     * @throws UnusableCheckpointException when it is gone or is not what was written
     */
    public byte[] checkpointState(String jobId, Checkpoint checkpoint) {
        byte[] state = store.read(JobLayout.checkpointStateKey(jobId, checkpoint.step())).orElseThrow(() ->
                new UnusableCheckpointException(checkpoint, "its state is gone"));
        if (state.length != checkpoint.bytes() || !Digests.sha256(state).equals(checkpoint.sha256())) {
            throw new UnusableCheckpointException(checkpoint, "its state is not what was written (" + state.length
                    + " bytes, digest " + Digests.sha256(state).substring(0, 12) + "…)");
        }
        return state;
    }

    /**
     * Removes an ended job's resumable states (large, of no use any more); the checkpoint images and
     * their records stay, unless the job was cancelled (its owner wants nothing more of it). Best
     * effort: the job has ended either way, and the bucket's lifecycle rule expires the states left.
     */
    private void forgetCheckpoints(String jobId, boolean images) {
        try {
            for (Checkpoint c : checkpoints(jobId)) {
                store.delete(JobLayout.checkpointStateKey(jobId, c.step()));
                if (images) {
                    store.delete(JobLayout.checkpointImageKey(jobId, c.step()));
                }
            }
            if (images) {
                store.delete(JobLayout.checkpointIndexKey(jobId));
            }
        } catch (RuntimeException e) {
            // left to the lifecycle rule (tagged LIFETIME_TAG)
        }
    }

    /** @return the result's key, {@code result.<the format's extension>} */
    public String saveResult(String jobId, byte[] bytes, ResultFormat format) {
        String key = JobLayout.resultKey(jobId, format.extension());
        store.write(key, bytes, format.contentType());
        return key;
    }

    /**
     * When a job that says RUNNING lost its worker: the lease its worker keeps renewing has lapsed
     * (the worker died or hangs; the job resumes when its message reappears). Empty while a worker
     * holds it, or when the job is not running.
     */
    public Optional<String> workerLostAt(String jobId) {
        if (status(jobId).map(s -> s.state() != JobState.RUNNING).orElse(true)) {
            return Optional.empty();
        }
        Optional<JobLease.Holder> lease = readJson(JobLayout.leaseKey(jobId), JobLease.Holder.class);
        return lease.map(JobLease.Holder::expiresAt).filter(at -> !clock.instant().isBefore(java.time.Instant.parse(at)));
    }

    /** Takes the job's lease for {@code worker}, unless another worker holds it. */
    public JobLease.Attempt lease(String jobId, String worker, Duration length) {
        return JobLease.acquire(this, jobId, worker, length, clock);
    }

    <T> Optional<T> readJson(String key, Class<T> type) {
        return store.read(key).map(bytes -> Json.read(bytes, type));
    }

    void writeJson(String key, Object value) {
        store.write(key, Json.write(value), "application/json");
    }

    boolean createJson(String key, Object value) {
        return store.create(key, Json.write(value), "application/json");
    }
}
