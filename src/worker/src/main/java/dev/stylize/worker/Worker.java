package dev.stylize.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.aws.AwsClients;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The worker's one loop: take a job message, run the job, settle the message. One job at a
 * time per process (one per GPU). Each message ends in exactly one of: deleted (the job
 * ended, SUCCEEDED or FAILED), released at once (we are shutting down, a checkpoint was
 * written), or delayed by exponential backoff (a transient error; after the queue's
 * maxReceiveCount it moves to the dead-letter queue, whose handler fails the job).
 */
@ApplicationScoped
public class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class);
    /** Longest we hold up shutdown for the running job to checkpoint and release its message. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    @Inject
    WorkerConfig config;

    /** Names this process in job leases and logs. */
    private final String workerId = ProcessHandle.current().pid() + "@" + hostName();
    private volatile boolean stopping;
    private volatile boolean ready;
    private volatile Thread loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heartbeat");
        t.setDaemon(true);
        return t;
    });
    private NDManager manager;
    private JobStore store;
    private JobQueue queue;
    private JobRunner runner;

    void onStart(@Observes StartupEvent event) {
        if (!config.polling()) {
            LOG.info("polling is off (stylize.polling=false): serving health only");
            stopped.countDown();
            return;
        }
        loop = new Thread(this::run, "job-loop");
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        LOG.info("stopping: the running job (if any) checkpoints and releases its message");
        try {
            if (!stopped.await(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("job loop did not stop in time; its message reappears when its visibility runs out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeats.shutdownNow();
    }

    boolean isReady() {
        return ready;
    }

    boolean isAlive() {
        Thread t = loop;
        return !config.polling() || t == null || t.isAlive() || stopping;
    }

    private void run() {
        try {
            start();
            int failures = 0;
            while (!stopping) {
                try {
                    Optional<Message> message = queue.receive(config.pollWaitSeconds(), config.visibilityTimeoutSeconds());
                    if (message.isPresent()) {
                        handle(message.get());
                    }
                    failures = 0;
                } catch (RuntimeException e) {
                    // S3 or SQS unreachable: nothing is lost (an unsettled message reappears when its
                    // visibility runs out), so wait, increasingly, and poll again.
                    failures++;
                    long pause = Math.min(30_000L, 500L << Math.min(6, failures));
                    LOG.warnf("polling failed (%d in a row), retrying in %d ms: %s", failures, pause, e.getMessage());
                    sleep(pause);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("job loop failed; the process stops so the orchestrator restarts it", e);
            ready = false;
            throw e;
        } finally {
            if (manager != null) {
                manager.close();
            }
            stopped.countDown();
        }
    }

    private void start() {
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        S3Client s3 = clients.s3();
        store = new JobStore(s3, config.bucket());
        queue = new JobQueue(clients.sqs(), config.jobQueueUrl());
        manager = NDManager.newBaseManager(device(config.device()));
        Path weightsFile = WorkerWeights.resolve(config.weights(), config.weightsSha256().orElse(null),
                Path.of(config.cacheDir()), s3);
        try {
            Vgg19Weights weights = Vgg19Weights.load(manager, weightsFile);
            LOG.infof("weights %s%s on %s", weightsFile,
                    weights.synthetic() ? " (GENERATED, not ImageNet: results show the pipeline, not real style)" : "",
                    manager.getDevice());
            runner = new JobRunner(store, weights, precision(config.precision()), manager, config.checkpointEvery(),
                    Duration.ofSeconds(config.statusIntervalSeconds()), Clock.systemUTC());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read weights " + weightsFile, e);
        }
        ready = true;
        LOG.infof("polling %s", config.jobQueueUrl());
    }

    private static Precision precision(String setting) {
        try {
            return Precision.named(setting);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("STYLIZE_PRECISION: " + e.getMessage(), e);
        }
    }

    private static Device device(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting.toLowerCase(Locale.ROOT)) {
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("STYLIZE_DEVICE=gpu but no GPU is visible to PyTorch");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalStateException("STYLIZE_DEVICE must be auto, cpu or gpu, got '" + setting + "'");
        };
    }

    private void handle(Message message) {
        if (stopping) {
            queue.setVisibility(message, 0);
            return;
        }
        int attempt = JobQueue.attempt(message);
        JobMessage jobMessage;
        try {
            jobMessage = Json.read(message.body(), JobMessage.class);
        } catch (RuntimeException e) {
            // Not ours to drop: back it goes, late, until the dead-letter queue takes it.
            LOG.errorf("message %s is not a job message: %s", message.messageId(), message.body());
            queue.setVisibility(message, backoff(attempt));
            return;
        }
        String jobId = jobMessage.jobId();
        if (store.exists(JobLayout.outcomeKey(jobId))) {
            LOG.infof("job %s already ended; duplicate message removed", jobId);
            queue.delete(message);
            return;
        }
        Optional<Job> job = store.readJson(JobLayout.jobKey(jobId), Job.class);
        if (job.isEmpty()) {
            fail(new Job(jobId, config.bucket(), null, List.of(), null, null, null, null), JobState.FAILED,
                    "the job record results/" + jobId + "/job.json is missing");
            queue.delete(message);
            return;
        }
        JobLease lease;
        switch (JobLease.acquire(store, jobId, workerId, Duration.ofSeconds(config.visibilityTimeoutSeconds()), Clock.systemUTC())) {
            case JobLease.HeldElsewhere held -> {
                int wait = (int) Math.min(config.visibilityTimeoutSeconds(), held.remaining().toSeconds() + 1);
                LOG.infof("job %s is running on %s; this duplicate message waits %d s", jobId, held.holder(), wait);
                queue.setVisibility(message, wait);
                return;
            }
            case JobLease.Acquired acquired -> lease = acquired.lease();
        }
        if (store.exists(JobLayout.outcomeKey(jobId))) { // ended while we took the lease
            releaseQuietly(lease);
            queue.delete(message);
            return;
        }
        try (Heartbeat ignored = new Heartbeat(heartbeats, queue, message, lease, config.heartbeatSeconds(),
                config.visibilityTimeoutSeconds())) {
            JobRunner.Ending ending = runner.run(job.get(), attempt, () -> stopping);
            if (ending == JobRunner.Ending.FINISHED) {
                queue.delete(message);
            } else {
                queue.setVisibility(message, 0);
                LOG.infof("job %s checkpointed and released for another worker", jobId);
            }
        } catch (PermanentJobFailure e) {
            fail(job.get(), e.status(), e.getMessage());
            queue.delete(message);
        } catch (RuntimeException e) {
            // Shutting down: whatever broke, another worker should take the job now.
            int delay = stopping ? 0 : backoff(attempt);
            LOG.warnf(e, "job %s attempt %d failed; retrying in %d s", jobId, attempt, delay);
            recordTransientError(job.get(), attempt, e);
            queue.setVisibility(message, delay);
        } finally {
            releaseQuietly(lease);
        }
    }

    private static void releaseQuietly(JobLease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            LOG.warnf("could not release a job lease (it expires by itself): %s", e.getMessage());
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int backoff(int attempt) {
        long delay = (long) config.retryBaseSeconds() << Math.min(20, Math.max(0, attempt - 1));
        return (int) Math.min(config.retryMaxSeconds(), delay);
    }

    private void fail(Job job, JobState status, String reason) {
        String now = Clock.systemUTC().instant().toString();
        Outcome failed = Outcome.failed(job, reason, null, now);
        store.createJson(JobLayout.outcomeKey(job.jobId()), new Outcome(failed.jobId(), failed.bucket(), status,
                reason, null, failed.source(), failed.contentKey(), failed.styles(), failed.preset(), failed.options(),
                null, null, null, failed.timings()));
        store.writeJson(JobLayout.statusKey(job.jobId()), new JobStatus(job.jobId(), status, null, null, null,
                null, null, null, null, null, null, reason, null, now));
        LOG.errorf("job %s %s: %s", job.jobId(), status, reason);
    }

    private void recordTransientError(Job job, int attempt, RuntimeException error) {
        try {
            String now = Clock.systemUTC().instant().toString();
            JobStatus previous = store.readJson(JobLayout.statusKey(job.jobId()), JobStatus.class).orElse(null);
            store.writeJson(JobLayout.statusKey(job.jobId()), new JobStatus(job.jobId(), JobState.QUEUED,
                    previous == null ? null : previous.step(), previous == null ? null : previous.totalSteps(),
                    null, null, null, null, null, previous == null ? null : previous.latestCheckpoint(), attempt,
                    error.getClass().getSimpleName() + ": " + error.getMessage(), null, now));
        } catch (RuntimeException e) {
            LOG.warnf("could not record the error of job %s: %s", job.jobId(), e.getMessage());
        }
    }
}
