package dev.stylize.worker;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.telemetry.JobMetrics;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One attempt's metrics: the queue wait when a job first starts, the median step of each scale
 * (by size class and precision), each checkpoint's upload, and the run of a job that succeeded.
 */
final class RunMetrics {
    private final JobMetrics metrics;
    private final String jobId;
    private final String precision;
    private final List<Double> stepSeconds = new ArrayList<>();
    private int scaleIndex = -1;
    private int scaleSize;

    RunMetrics(JobMetrics metrics, String jobId, String precision) {
        this.metrics = metrics;
        this.jobId = jobId;
        this.precision = precision;
    }

    /** A first start (not a retry, not a resumption) ends the job's wait in the queue. */
    void started(Job job, boolean firstStart, Instant now) {
        if (!firstStart || job.acceptedAt() == null) {
            return;
        }
        try {
            metrics.queueWait(jobId, Duration.between(Instant.parse(job.acceptedAt()), now).toMillis() / 1000.0);
        } catch (DateTimeParseException e) {
            // A record from before acceptedAt was an instant: no wait to report.
        }
    }

    /**
     * @param scale         the index of the step's scale in the schedule
     * @param size          that scale's longest side
     * @param scaleFinished whether the step was the scale's last
     */
    void stepped(int scale, int size, boolean scaleFinished, double millis) {
        if (scale != scaleIndex) {
            flush();
            scaleIndex = scale;
            scaleSize = size;
        }
        stepSeconds.add(millis / 1000.0);
        if (scaleFinished) {
            flush();
        }
    }

    /** The run stops early: the steps of the unfinished scale still count. */
    void stopped() {
        flush();
    }

    void checkpointUploaded(Duration took) {
        metrics.checkpointUpload(jobId, took.toMillis() / 1000.0);
    }

    void succeeded(String preset, double runSeconds, int steps, Outcome.Timings timings) {
        metrics.run(jobId, preset, precision, runSeconds, steps);
        metrics.nonStep(jobId, precision, Duration.between(Instant.parse(timings.receivedAt()),
                Instant.parse(timings.finishedAt())).toMillis() / 1000.0 - timings.stepSeconds());
        metrics.ended(jobId, JobState.SUCCEEDED, null);
    }

    private void flush() {
        if (stepSeconds.isEmpty()) {
            return;
        }
        double[] sorted = stepSeconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        metrics.step(jobId, scaleSize, precision, median, n);
        stepSeconds.clear();
    }
}
