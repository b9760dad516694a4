package dev.stylize.functions.notifier;

import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/** An in-memory bucket with the records the notifier's fuzz targets can name, and a topic that accepts anything. */
final class NotifierFakes {
    static final InMemoryObjectStore BUCKET = new InMemoryObjectStore("stylize-local");
    static final JobLedger LEDGER = new JobLedger(BUCKET, Clock.systemUTC());
    static final SnsClient TOPIC = new SnsClient() {
        @Override
        public PublishResponse publish(PublishRequest request) {
            return PublishResponse.builder().messageId("m").build();
        }

        @Override
        public String serviceName() {
            return "sns";
        }

        @Override
        public void close() {
        }
    };

    static {
        Job job = new Job("my-harbour-4f1c2a9e7b3d", "stylize-local", "uploads/p.png", List.of(), "seed", PlanOptions.NONE,
                Preset.SEED.plan(48, 32, PlanOptions.NONE), "jobs/p.json", "2026-11-24T12:00:00Z");
        LEDGER.record(job);
        LEDGER.end(Outcome.failed(job, JobState.FAILED, "broken style", null, "2026-11-24T12:00:09Z"));
        BUCKET.write("results/garbled/outcome.json", "not json".getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private NotifierFakes() {
    }
}
