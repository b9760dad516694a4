package dev.stylize.jobs.telemetry;

import org.jboss.logging.MDC;

import java.util.function.Supplier;

/**
 * The job a thread works on, in the logging context: the JSON log formatter prints it on every
 * line as {@code "mdc":{"jobId":"…"}}, so one job's lines can be found among all others. The
 * context belongs to the thread; a thread that works for a job elsewhere (a heartbeat) sets it
 * there too.
 */
public final class JobLogging {
    /** The logging context's key, and the EMF documents' member, for the job id. */
    public static final String JOB_ID = "jobId";

    private JobLogging() {
    }

    /** Until closed, this thread's log lines name the job; then the previous job (if any) again. */
    public static Scope forJob(String jobId) {
        Object previous = MDC.get(JOB_ID);
        set(jobId);
        return () -> set(previous);
    }

    /** {@code task}, run in this thread's job on whichever thread runs it: for work handed to another thread. */
    public static Runnable carried(Runnable task) {
        String jobId = currentJobId();
        return () -> {
            try (Scope ignored = forJob(jobId)) {
                task.run();
            }
        };
    }

    /** {@code task}, run in this thread's job on whichever thread runs it: for work handed to another thread. */
    public static <T> Supplier<T> carried(Supplier<T> task) {
        String jobId = currentJobId();
        return () -> {
            try (Scope ignored = forJob(jobId)) {
                return task.get();
            }
        };
    }

    /** The job this thread's lines name now, or null. */
    public static String currentJobId() {
        Object id = MDC.get(JOB_ID);
        return id == null ? null : id.toString();
    }

    /** Restores the context it replaced; never throws. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static void set(Object jobId) {
        if (jobId == null) {
            MDC.remove(JOB_ID);
        } else {
            MDC.put(JOB_ID, jobId);
        }
    }
}
