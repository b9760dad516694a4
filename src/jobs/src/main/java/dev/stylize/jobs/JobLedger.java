package dev.stylize.jobs;

import dev.stylize.jobs.store.ObjectStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;

/**
 * The one owner of {@code results/<jobId>/}: every record of a job is written here and nowhere
 * else. A job is recorded once (job.json, then QUEUED), reports progress while it runs, goes
 * back to the queue after a transient error, and ends once: the outcome is created with a
 * conditional write, and only the call that created it writes the terminal status, so a job has
 * one outcome (and one completion event) however many deliveries race to end it.
 */
public final class JobLedger {
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
     * built from {@code last} (the run's final progress) or else from the status on record.
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
        return true;
    }

    public boolean end(Outcome outcome) {
        return end(outcome, null);
    }

    /** A checkpoint: the image to look at first, then the state to resume from, so a state key means a whole checkpoint. */
    public String saveCheckpoint(String jobId, int step, byte[] png, byte[] state) {
        String imageKey = JobLayout.checkpointImageKey(jobId, step);
        store.write(imageKey, png, "image/png");
        store.write(JobLayout.checkpointStateKey(jobId, step), state, "application/octet-stream");
        return imageKey;
    }

    /** The step of the job's latest whole checkpoint. */
    public Optional<Integer> latestCheckpoint(String jobId) {
        return store.list(JobLayout.checkpointsPrefix(jobId)).stream()
                .map(o -> JobLayout.checkpointStep(o.key()))
                .flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
    }

    public Optional<byte[]> checkpointState(String jobId, int step) {
        return store.read(JobLayout.checkpointStateKey(jobId, step));
    }

    /** @return the result's key */
    public String saveResult(String jobId, byte[] png) {
        String key = JobLayout.resultKey(jobId, "png");
        store.write(key, png, "image/png");
        return key;
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
