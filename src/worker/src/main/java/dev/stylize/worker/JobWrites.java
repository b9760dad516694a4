package dev.stylize.worker;

import dev.stylize.jobs.telemetry.JobLogging;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running job's writes to the bucket (status, checkpoints), made on threads of their own so that
 * a slow or failing S3 never holds up a step: one thread per kind, so a status never waits behind a
 * checkpoint's upload either. Of each kind the latest wins: a status or checkpoint submitted while an
 * older one of its kind still waits replaces it (an older status is stale, and a job resumes from its
 * newest checkpoint); each kind's writes run in the order submitted, one at a time.
 *
 * <p>A write that fails is not retried here: its error is rethrown on the job's thread at the next
 * {@link #rethrowFailure()} (every step) or {@link #flush()}, and the job is settled as for any error
 * of its own thread (a transient S3 error puts it back in the queue, with backoff).
 */
final class JobWrites implements AutoCloseable {
    private final Kind statuses;
    private final Kind checkpoints;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    /** One kind of write: its thread, and the write waiting for it (null when none). */
    private record Kind(ExecutorService thread, AtomicReference<Runnable> pending) {
        Kind(String name) {
            this(Executors.newSingleThreadExecutor(Thread.ofPlatform().name(name).daemon().factory()), new AtomicReference<>());
        }
    }

    JobWrites(String jobId) {
        this.statuses = new Kind("status-" + jobId);
        this.checkpoints = new Kind("checkpoints-" + jobId);
    }

    /** Writes the status soon, unless a newer one replaces it first. */
    void status(Runnable write) {
        submitLatest(statuses, write);
    }

    /** Writes the checkpoint soon, unless a newer one replaces it first. */
    void checkpoint(Runnable write) {
        submitLatest(checkpoints, write);
    }

    private void submitLatest(Kind kind, Runnable write) {
        AtomicReference<Runnable> pending = kind.pending();
        if (pending.getAndSet(write) == null) { // none waiting: queue a task that runs whichever is latest then
            kind.thread().execute(JobLogging.carried(() -> {
                Runnable latest = pending.getAndSet(null);
                if (latest != null && failure.get() == null) {
                    try {
                        latest.run();
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
    }

    /** Throws the first write's failure, if one failed; never waits. */
    void rethrowFailure() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Waits until every write submitted so far has been made, then throws the first failure, if any. */
    void flush() {
        for (Kind kind : List.of(checkpoints, statuses)) {
            Future<?> done = kind.thread().submit(() -> { });
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the job's writes", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        rethrowFailure();
    }

    /** Makes what is still waiting (a job that failed leaves its last status and checkpoint too), then stops the threads. */
    @Override
    public void close() {
        try {
            flush();
        } catch (RuntimeException ignored) {
            // The job's own error, already on its way to Settlement, is the one that counts.
        } finally {
            checkpoints.thread().shutdown();
            statuses.thread().shutdown();
        }
    }
}
