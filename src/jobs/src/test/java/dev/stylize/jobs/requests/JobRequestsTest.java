package dev.stylize.jobs.requests;

import dev.stylize.plan.ResultFormat;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.ObjectLinks;
import dev.stylize.jobs.testing.InMemoryObjectStore;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of API jobs, on a bucket in memory: what is accepted, who sees what, how a request ends. */
class JobRequestsTest {
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";
    private static final String BOB = "arn:aws:iam::111122223333:user/bob";

    private final InMemoryObjectStore store = new InMemoryObjectStore("bucket");
    private final JobLedger ledger = new JobLedger(store, Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC));
    /** Links that name what they link to, as a presigner's would. */
    private final ObjectLinks links = new ObjectLinks() {
        @Override
        public URI upload(String key, Duration life) {
            return URI.create("https://bucket.example/" + key + "?put&life=" + life.toSeconds());
        }

        @Override
        public URI download(String key, Duration life) {
            return URI.create("https://bucket.example/" + key + "?get&life=" + life.toSeconds());
        }
    };
    private final JobRequests requests = new JobRequests(ledger, links,
            IntakeSettings.of(Limits.SERVICE, Preset.QUALITY, PlanOptions.NONE), JobRequests.UPLOAD_WINDOW);

    private final JobCancellations cancellations = new JobCancellations(ledger);

    JobRequestsTest() {
        store.write("styles/swirls.png", new byte[]{1}, "image/png");
    }

    private JobRequests.Submitted submit(String owner, String body) {
        return requests.submit(owner, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRequestIsRecordedWithItsOwnerAndGetsAnUploadUrlForItsPhoto() {
        JobRequests.Submitted submitted = submit(ALICE, "{\"style\": \"swirls\", \"options\": {\"steps\": 50}}");
        assertTrue(JobLayout.isValidJobId(submitted.jobId()));
        assertEquals(URI.create("https://bucket.example/requests/" + submitted.jobId() + "/photo?put&life=600"), submitted.uploadUrl());
        assertEquals("2026-12-06T12:10:00Z", submitted.uploadBy(), "10 minutes to begin the upload, 15 before the request expires");
        assertEquals(ALICE, requests.request(submitted.jobId()).orElseThrow().owner());

        JobView view = requests.view(ALICE, submitted.jobId()).orElseThrow();
        assertEquals(JobState.AWAITING_UPLOAD, view.state());
        assertNull(view.resultUrl());
    }

    @Test
    void whatCanBeJudgedBeforeThePhotoIsRefusedAndNothingIsRecorded() {
        for (String body : List.of("{\"style\": \"monet\"}", "{\"styles\": []}", "{\"style\": \"swirls\", \"styles\": []}",
                "{\"style\": \"swirls\", \"options\": {\"scales\": 6, \"steps\": 5000}}", "{\"style\": \"swirls\", \"content\": \"x\"}",
                "{\"style\": \"swirls\", \"options\": {\"maxSize\": 4096}}", "{}", "nonsense")) {
            assertThrows(InvalidInputException.class, () -> submit(ALICE, body), body);
        }
        assertTrue(store.list(JobLayout.REQUESTS).isEmpty());
    }

    @Test
    void onlyItsOwnerSeesOrCancelsAJob() {
        String jobId = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        assertTrue(requests.view(BOB, jobId).isEmpty());
        assertInstanceOf(Cancellation.NotFound.class, requests.cancel(BOB, jobId));
        assertFalse(ledger.cancelRequested(jobId), "nothing recorded for someone else");
        assertTrue(requests.view(ALICE, "no-such-job").isEmpty());
        assertTrue(requests.view(ALICE, "../results").isEmpty(), "an id that is no id");

        // A job made without the API (a bucket drop) belongs to nobody.
        ledger.record(job("dropped"));
        assertTrue(requests.view(ALICE, "dropped").isEmpty());
        assertInstanceOf(Cancellation.NotFound.class, requests.cancel(ALICE, "dropped"));
    }

    @Test
    void aCancelledRequestNotYetUploadedOrQueuedEndsAtOnce() {
        String waiting = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        assertInstanceOf(Cancellation.Accepted.class, requests.cancel(ALICE, waiting));
        assertTrue(requests.view(ALICE, waiting).orElseThrow().cancelRequested());
        assertEquals(JobState.CANCELLED, cancellations.endUnlessRunning(waiting).orElseThrow().status());
        assertEquals(JobState.CANCELLED, ledger.status(waiting).orElseThrow().state());
        assertTrue(cancellations.endUnlessRunning(waiting).isEmpty(), "ended once");
        Cancellation again = requests.cancel(ALICE, waiting);
        assertEquals(new Cancellation.AlreadyEnded(JobState.CANCELLED, JobCancellations.CANCELLED), again);

        String queued = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        ledger.record(job(queued));
        requests.cancel(ALICE, queued);
        Outcome outcome = cancellations.endUnlessRunning(queued).orElseThrow();
        assertEquals("uploads/p.png", outcome.contentKey(), "the job's own outcome, as recorded");
    }

    @Test
    void aRunningJobIsLeftToItsWorker() {
        String running = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        ledger.record(job(running));
        ledger.attemptStarted(running, 1);
        ledger.saveCheckpoint(running, 10, new byte[]{1}, new byte[]{2});
        requests.cancel(ALICE, running);
        assertTrue(cancellations.endUnlessRunning(running).isEmpty());
        assertTrue(ledger.cancelRequested(running), "the worker learns it from here");

        // When the worker ends it, its checkpoints go with it.
        ledger.end(Outcome.failed(job(running), JobState.CANCELLED, JobCancellations.CANCELLED, null, ledger.now()));
        assertTrue(store.list(JobLayout.checkpointsPrefix(running)).isEmpty());
        assertTrue(ledger.checkpoints(running).isEmpty());
    }

    @Test
    void aRequestWhosePhotoNeverCameExpiresAndOneWhosePhotoCameDoesNot() {
        String waiting = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        Outcome expired = requests.expireUnlessUploaded(waiting).orElseThrow();
        assertEquals(JobState.EXPIRED, expired.status());
        assertEquals("no photo was uploaded within 15 minutes of the request", expired.reason());
        assertEquals(JobState.EXPIRED, requests.view(ALICE, waiting).orElseThrow().state());

        String uploaded = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        store.write(JobLayout.requestPhotoKey(uploaded), new byte[]{1}, "image/png");
        assertTrue(requests.expireUnlessUploaded(uploaded).isEmpty(), "the intake makes its job");
        assertTrue(requests.expireUnlessUploaded("not-a-request").isEmpty());
    }

    @Test
    void aSucceededJobLinksItsResultAndARunningOneItsLatestCheckpoint() {
        String jobId = submit(ALICE, "{\"style\": \"swirls\"}").jobId();
        ledger.record(job(jobId));
        ledger.progress(new JobStatus(jobId, JobState.RUNNING, 10, 20, 1.0, null, null, null, 3.0,
                JobLayout.checkpointImageKey(jobId, 10), 1, null, ledger.now(), ledger.now(), null, null, null));
        JobView running = requests.view(ALICE, jobId).orElseThrow();
        assertEquals(URI.create("https://bucket.example/" + JobLayout.checkpointImageKey(jobId, 10) + "?get&life=3600"),
                running.checkpointUrl());
        assertEquals(3.0, running.etaSeconds());

        String result = ledger.saveResult(jobId, new byte[]{1}, ResultFormat.PNG);
        ledger.end(new Outcome(jobId, "bucket", JobState.SUCCEEDED, null, result, null, null, null, null, null, 20, 1.0,
                null, new Outcome.Timings(null, null, ledger.now(), null), null));
        JobView done = requests.view(ALICE, jobId).orElseThrow();
        assertEquals(URI.create("https://bucket.example/" + result + "?get&life=3600"), done.resultUrl());
        assertNull(done.checkpointUrl());
        assertNull(done.etaSeconds());
    }

    private static Job job(String id) {
        return new Job(id, "bucket", "uploads/p.png", List.of(new StyleRef("styles/swirls.png", 1)), "seed", PlanOptions.NONE,
                Preset.SEED.plan(64, 48, PlanOptions.NONE), JobLayout.requestKey(id), "2026-12-06T11:59:00Z");
    }
}
