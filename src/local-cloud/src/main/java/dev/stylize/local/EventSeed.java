package dev.stylize.local;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object the events in test-events/ name, put in the local bucket, so that each event does
 * what test-events/README.md says when it is invoked ({@code sam local invoke -e}, or
 * {@code bin/stylize local invoke}): the photo and the style of s3-inbox-put.json, the manifest
 * and its inputs of s3-manifest-put.json, an ended job with its outcome for s3-outcome-put.json,
 * and a job stuck after five attempts for sqs-dead-letter.json. Idempotent.
 */
public final class EventSeed {
    /** The job of s3-outcome-put.json: SUCCEEDED, with a result. */
    public static final String ENDED_JOB = "my-harbour-4f1c2a9e7b3d";
    /** The job of sqs-dead-letter.json: recorded, failing, no outcome yet. */
    public static final String STUCK_JOB = "stuck-harbour-5e0d3b8a1c2f";
    public static final String LAST_ERROR = "S3 answered 503 Slow Down";

    private EventSeed() {
    }

    /** @return the keys written (or found) */
    public static List<String> seed(JobLedger ledger, Path home) {
        ObjectStore store = ledger.store();
        String bucket = store.bucket();
        byte[] photo = read(home.resolve("docs/examples/harbour.png"));
        List<String> keys = new ArrayList<>();
        keys.add(put(store, "styles/swirls.png", read(home.resolve("docs/examples/swirls.png")), "image/png"));
        keys.add(put(store, "inbox/swirls/my harbour.png", photo, "image/png"));
        keys.add(put(store, "uploads/harbour.png", photo, "image/png"));
        keys.add(put(store, "jobs/harbour-blend.json", """
                {"content": "uploads/harbour.png",
                 "styles": [{"name": "swirls", "weight": 0.7}, {"key": "styles/swirls.png", "weight": 0.3}],
                 "preset": "paper", "options": {"steps": 12}}
                """.getBytes(StandardCharsets.UTF_8), "application/json"));

        List<StyleRef> swirls = List.of(new StyleRef("styles/swirls.png", 1.0));
        Job ended = new Job(ENDED_JOB, bucket, "inbox/swirls/my harbour.png", swirls, Preset.QUALITY.label(), PlanOptions.NONE,
                Preset.QUALITY.plan(384, 256, PlanOptions.NONE), "inbox/swirls/my harbour.png", "2026-11-24T12:00:00Z");
        ledger.record(ended);
        String result = put(store, JobLayout.resultKey(ENDED_JOB, "png"),
                read(home.resolve("docs/examples/harbour-swirls-generated-weights.png")), "image/png");
        ledger.end(new Outcome(ENDED_JOB, bucket, JobState.SUCCEEDED, null, result, ended.source(), ended.contentKey(),
                ended.styles(), ended.preset(), ended.options(), ended.plan().totalSteps(), 65.0, "generated",
                new Outcome.Timings(ended.acceptedAt(), "2026-11-24T12:00:02Z", "2026-11-24T12:00:40Z", 37.5), null));
        keys.add(JobLayout.outcomeKey(ENDED_JOB));

        Job stuck = new Job(STUCK_JOB, bucket, "uploads/harbour.png", swirls, Preset.QUALITY.label(), PlanOptions.NONE,
                Preset.QUALITY.plan(384, 256, PlanOptions.NONE), "jobs/stuck-harbour.json", "2026-11-24T12:00:00Z");
        if (ledger.record(stuck)) {
            ledger.progress(new JobStatus(STUCK_JOB, JobState.RUNNING, 12, stuck.plan().totalSteps(), null, null, null, null,
                    null, null, 5, LAST_ERROR, "2026-11-24T12:00:02Z", "2026-11-24T12:05:00Z", null, null, null));
        }
        keys.add(JobLayout.jobKey(STUCK_JOB));
        return keys;
    }

    private static String put(ObjectStore store, String key, byte[] bytes, String type) {
        if (!store.exists(key)) {
            store.write(key, bytes, type);
        }
        return key;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
