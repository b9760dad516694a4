package dev.stylize.cli;

import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.Scale;

import java.util.List;

/**
 * What one image costs on AWS (docs/performance.md, "Cost per image"): the worker's instance time for the
 * steps of the image's schedule, plus the per-job requests of the serverless parts.
 *
 * <p>Instance time: a step at a scale takes {@code fixedSeconds + secondsPerPixel × side²}
 * (square images, the most pixels a side allows; a step's cost grows with its pixels), summed
 * over the preset's coarse-to-fine schedule. Left out: the worker's start-up and idle time
 * (per burst of jobs, not per image), reading the inputs and encoding the result (seconds, not
 * measured on a GPU host), storage of results (per month).
 *
 * <p>Serverless, us-east-1 list prices (docs/performance.md gives their dates and sources): Lambda
 * $0.0000166667 per GB-second and $0.20 per million requests; S3 $0.005 per 1,000 PUT/LIST
 * and $0.0004 per 1,000 GET; SQS $0.40 and SNS $0.50 per million requests.
 */
record CostModel(double pricePerHour, double fixedSeconds, double secondsPerPixel) {
    static final double LAMBDA_GB_SECOND = 0.0000166667;
    static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
    static final double S3_PUT = 0.005 / 1000;
    static final double S3_GET = 0.0004 / 1000;
    static final double SQS_REQUEST = 0.40 / 1_000_000;
    static final double SNS_PUBLISH = 0.50 / 1_000_000;

    /** Intake: 1.5 GB (template.yaml) for about 1 s; notifier: 1 GB for about 0.5 s (estimates). */
    static final double LAMBDA_GB_SECONDS_PER_JOB = 1.5 * 1.0 + 1.0 * 0.5;
    /** The upload, job.json, the lease, the first and final status, the result, outcome.json, two LISTs. */
    static final int S3_FIXED_PUTS = 9;
    /** Header reads of photo and style, inputs, records and existence checks by intake, worker and notifier. */
    static final int S3_GETS = 12;
    /** Send, receive, delete. */
    static final int SQS_FIXED_REQUESTS = 3;
    /** The worker's defaults: status.json every 2 s, a heartbeat (visibility and lease) every 60 s. */
    static final double STATUS_EVERY_SECONDS = 2;
    static final double HEARTBEAT_EVERY_SECONDS = 60;

    /** One measured step, its time proportional to the pixels (what bench measures on this host). */
    static CostModel measured(double pricePerHour, double secondsPerStep, int side) {
        return new CostModel(pricePerHour, 0, secondsPerStep / ((double) side * side));
    }

    /** One image of {@code side} px (longest side, square) under {@code preset}. */
    Image image(Preset preset, int side) {
        List<Scale> schedule = preset.plan(side, side, PlanOptions.of(PlanOptions.MAX_SIZE, side)).schedule();
        double seconds = 0;
        int steps = 0;
        int checkpoints = schedule.size() - 1; // each scale's result but the last (the result itself)
        for (Scale scale : schedule) {
            seconds += scale.steps() * (fixedSeconds + secondsPerPixel * scale.size() * scale.size());
            steps += scale.steps();
            checkpoints += scale.steps() / 100; // and the default every 100 steps
        }
        double instance = seconds * pricePerHour / 3600;
        return new Image(side, steps, seconds, instance, serverless(seconds, checkpoints));
    }

    /**
     * One image as measured whole (bench --jobs): the instance's price over the images an hour it
     * paints with all its job slots busy, plus the image's own serverless requests over its own run.
     */
    static Image measuredThroughput(double pricePerHour, Preset preset, int side, double imagesPerHour, double imageSeconds) {
        List<Scale> schedule = preset.plan(side, side, PlanOptions.of(PlanOptions.MAX_SIZE, side)).schedule();
        int steps = schedule.stream().mapToInt(Scale::steps).sum();
        int checkpoints = schedule.size() - 1 + schedule.stream().mapToInt(scale -> scale.steps() / 100).sum();
        return new Image(side, steps, 3600 / imagesPerHour, pricePerHour / imagesPerHour,
                serverless(imageSeconds, checkpoints));
    }

    /** The serverless requests of one job whose run takes {@code runSeconds} and writes {@code checkpoints}. */
    static double serverless(double runSeconds, int checkpoints) {
        double puts = S3_FIXED_PUTS + runSeconds / STATUS_EVERY_SECONDS + runSeconds / HEARTBEAT_EVERY_SECONDS
                + 2.0 * checkpoints;
        double sqs = SQS_FIXED_REQUESTS + runSeconds / HEARTBEAT_EVERY_SECONDS;
        return LAMBDA_GB_SECONDS_PER_JOB * LAMBDA_GB_SECOND + 2 * LAMBDA_REQUEST
                + puts * S3_PUT + S3_GETS * S3_GET + sqs * SQS_REQUEST + SNS_PUBLISH;
    }

    /**
     * @param seconds    instance time of the steps
     * @param instance   its price
     * @param serverless the functions', bucket's, queue's and topic's requests
     */
    record Image(int side, int steps, double seconds, double instance, double serverless) {
        double total() {
            return instance + serverless;
        }
    }
}
