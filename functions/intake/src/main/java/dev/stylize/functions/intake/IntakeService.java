package dev.stylize.functions.intake;

import dev.stylize.jobs.IntakeSettings;
import dev.stylize.images.ImageUploadCheck;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3ObjectEntity;
import dev.stylize.images.ImageHeader;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobRequest;
import dev.stylize.jobs.StyleLibrary;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.requests.JobCancellations;
import dev.stylize.jobs.requests.JobRequests;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.StoredObject;
import dev.stylize.jobs.telemetry.JobLogging;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns one uploaded object into a queued job or a REJECTED outcome; carries out what the API
 * writes under {@code requests/} (a request waits for its photo; a cancellation ends a job no
 * worker holds).
 *
 * <p>Order matters for "nothing accepted is ever lost": the job is recorded first (a
 * conditional write, so duplicate S3 events record it once), then enqueued on every
 * delivery. A crash in between is repaired by S3's retry of the event; the worker ignores
 * messages for jobs that have already ended.
 */
public class IntakeService {
    /** Why a zero-byte key ending in "/" (the S3 console's "Create folder") is ignored. */
    static final String FOLDER = ": a folder, not a file";
    private static final Logger LOG = Logger.getLogger(IntakeService.class);

    private final JobLedger ledger;
    private final ObjectStore store;
    private final SqsClient sqs;
    private final String queueUrl;
    private final IntakeSettings settings;
    private final JobMetrics metrics;
    private final StyleLibrary styles;
    private final JobRequests requests;
    private final UploadDeadlines deadlines;
    private final JobCancellations cancellations;

    public IntakeService(JobLedger ledger, SqsClient sqs, String queueUrl, IntakeSettings settings, JobMetrics metrics,
                         JobRequests requests, UploadDeadlines deadlines) {
        this.ledger = ledger;
        this.store = ledger.store();
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.settings = settings;
        this.metrics = metrics;
        this.styles = new StyleLibrary(store);
        this.requests = requests;
        this.deadlines = deadlines;
        this.cancellations = new JobCancellations(ledger);
    }

    JobRequests requests() {
        return requests;
    }

    JobMetrics metrics() {
        return metrics;
    }

    /** @return one line saying what happened, for the function's log and response */
    public String accept(S3EventNotificationRecord record) {
        if (record == null || record.getEventName() == null || !record.getEventName().startsWith("ObjectCreated:")) {
            return "ignored " + (record == null ? "an empty record" : record.getEventName());
        }
        S3ObjectEntity object = record.getS3() == null ? null : record.getS3().getObject();
        String bucket = record.getS3() == null || record.getS3().getBucket() == null ? null : record.getS3().getBucket().getName();
        String key = object == null ? null : JobLayout.decodeEventKey(object.getKey());
        if (bucket == null || key == null) {
            LOG.warnf("an S3 event record that names no object: %s", record);
            return "ignored: the record names no object";
        }
        if (!bucket.equals(store.bucket())) {
            return "ignored: " + bucket + " is not this service's bucket";
        }
        if (key.startsWith(JobLayout.REQUESTS)) {
            return fromApi(key, object.getSizeAsLong());
        }
        if (!key.startsWith(JobLayout.INBOX) && !key.startsWith(JobLayout.JOBS)) {
            return "ignored " + key + ": not under inbox/, jobs/ or requests/";
        }
        if (key.endsWith("/") && (object.getSizeAsLong() == null || object.getSizeAsLong() == 0)) {
            // What the S3 console's "Create folder" makes: a zero-byte object named like a folder.
            return "ignored " + key + FOLDER;
        }
        String jobId = JobLayout.jobId(bucket, key,
                object.getSequencer() != null ? object.getSequencer() : object.geteTag() + record.getEventTime());
        try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
            return accept(jobId, key, object.getSizeAsLong());
        }
    }

    /**
     * What the API writes under {@code requests/<jobId>/}: a request (the job waits for its photo, and
     * expires unless it comes in time), its photo (the job, under the request's id), a cancellation.
     */
    private String fromApi(String key, Long size) {
        Optional<String> id = JobLayout.requestJobId(key);
        if (id.isEmpty()) {
            return "ignored " + key + ": not a request's file";
        }
        String jobId = id.get();
        try (JobLogging.Scope ignored = JobLogging.forJob(jobId)) {
            if (key.equals(JobLayout.requestKey(jobId))) {
                ledger.awaitingUpload(jobId);
                deadlines.schedule(jobId, store.bucket());
                return "awaiting the photo of " + jobId;
            } else if (key.equals(JobLayout.requestPhotoKey(jobId))) {
                if (ledger.job(jobId).isPresent() && !ledger.hasEnded(jobId)) {
                    // A repeated event, or the URL used again: the job stands as it was accepted
                    // (its photo judged once, never rejected over a running job); it is only enqueued.
                    enqueue(jobId);
                    return "duplicate " + jobId + ": already accepted, enqueued again";
                }
                return accept(jobId, key, size);
            } else if (key.equals(JobLayout.cancelKey(jobId))) {
                Optional<Outcome> cancelled = cancellations.endUnlessRunning(jobId);
                cancelled.ifPresent(o -> metrics.ended(jobId, JobState.CANCELLED, o.reason()));
                LOG.infof("%s: %s", jobId, cancelled.isPresent() ? "cancelled" : "cancellation left to its worker, or ended already");
                return cancelled.isPresent() ? "cancelled " + jobId : "cancellation of " + jobId + " left to its worker";
            }
            return "ignored " + key + ": not a request's file";
        }
    }

    private String accept(String jobId, String key, Long size) {
        if (ledger.hasEnded(jobId)) {
            return "duplicate " + jobId + ": already ended";
        }
        try {
            Job job = key.startsWith(JobLayout.INBOX) ? fromInbox(jobId, key, size)
                    : key.startsWith(JobLayout.REQUESTS) ? fromRequest(jobId, key, size)
                    : fromManifest(jobId, key, size);
            boolean recorded = ledger.record(job);
            enqueue(jobId);
            LOG.infof("accepted %s from %s%s", jobId, key, recorded ? "" : " (repeated event, enqueued again)");
            if (recorded) { // a repeated event is the same job: counted once
                metrics.accepted(jobId, job.preset());
            }
            return "accepted " + jobId;
        } catch (InvalidInputException e) {
            reject(jobId, key, e.getMessage());
            return "rejected " + jobId + ": " + e.getMessage();
        }
    }

    private void enqueue(String jobId) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.compact(new JobMessage(jobId, store.bucket()))));
    }

    private Job fromInbox(String jobId, String key, Long size) {
        JobLayout.requireSafeKey(key);
        String styleName = JobLayout.inboxStyleName(key).orElseThrow(() -> new InvalidInputException(
                "photos go in inbox/<style-name>/<file>; '" + key + "' names no style folder"));
        ImageHeader photo = checkImage(key, size);
        StyleRef style = new StyleRef(resolveStyle(styleName), 1.0);
        return job(jobId, key, photo, List.of(style), null, PlanOptions.NONE, key);
    }

    private Job fromManifest(String jobId, String key, Long size) {
        if (!key.toLowerCase(Locale.ROOT).endsWith(".json")) {
            throw new InvalidInputException("manifests are JSON files: jobs/<name>.json, got '" + key + "'");
        }
        if (size != null && size > Manifest.MAX_BYTES) {
            throw new InvalidInputException("manifest is " + size + " bytes; the limit is " + Manifest.MAX_BYTES);
        }
        byte[] bytes = store.read(key).orElseThrow(() -> new InvalidInputException(
                "manifest " + key + " was deleted before it could be read"));
        Manifest manifest = Manifest.parse(bytes, store.bucket(), settings.limits());
        ImageHeader photo = checkImage(manifest.content(), existingSize(manifest.content()));
        return job(jobId, manifest.content(), photo, styles(manifest), manifest.preset(), manifest.options(), key);
    }

    /** The photo of a request made through the API: the job its request asked for, under the request's id. */
    private Job fromRequest(String jobId, String key, Long size) {
        JobRequest request = requests.request(jobId).orElseThrow(() -> new InvalidInputException(
                "a photo at " + key + " without a request: make jobs with POST /jobs and upload to the URL it gives"));
        Manifest manifest = Manifest.request(Json.write(request.body()), settings.limits());
        ImageHeader photo = checkImage(key, size);
        return job(jobId, key, photo, styles(manifest), manifest.preset(), manifest.options(), JobLayout.requestKey(jobId));
    }

    /** A manifest's styles, each checked to be a readable image. */
    private List<StyleRef> styles(Manifest manifest) {
        List<StyleRef> refs = new ArrayList<>();
        for (Manifest.Style style : manifest.styles()) {
            String styleKey = style.key() != null ? style.key() : resolveStyle(style.name());
            if (style.key() != null) {
                checkImage(styleKey, existingSize(styleKey));
            }
            refs.add(new StyleRef(styleKey, style.weight()));
        }
        return refs;
    }

    /**
     * The job as the worker will run it: its plan is made here, from the photo's dimensions, within the bounds.
     *
     * @param preset  the preset asked, or null for the default
     * @param options the options asked; the defaults fill in the rest
     */
    private Job job(String jobId, String contentKey, ImageHeader photo, List<StyleRef> styles, Preset preset,
                    PlanOptions options, String source) {
        Preset chosen = preset != null ? preset : settings.defaultPreset();
        PlanOptions asked = options.orElse(settings.defaultOptions());
        return new Job(jobId, store.bucket(), contentKey, styles, chosen.label(), asked,
                settings.plan(chosen, asked, photo.width(), photo.height()), source, ledger.now());
    }

    /** {@code styles/<name>.<image extension>}, checked to be a readable image. */
    private String resolveStyle(String name) {
        StoredObject style = styles.find(name);
        checkImage(style.key(), style.size());
        return style.key();
    }

    private ImageHeader checkImage(String key, Long size) {
        return ImageUploadCheck.check(key.substring(key.lastIndexOf('/') + 1), size, settings.maxUploadBytes(), settings.maxPixels(), new ImageUploadCheck.Source() {
            @Override
            public Optional<byte[]> first(int length) {
                return store.readFirst(key, length);
            }

            @Override
            public Optional<byte[]> last(int length) {
                return store.readLast(key, length);
            }
        });
    }

    private long existingSize(String key) {
        JobLayout.requireSafeKey(key);
        return store.size(key).orElseThrow(() -> new InvalidInputException(key + " does not exist in " + store.bucket()));
    }

    private void reject(String jobId, String source, String reason) {
        if (ledger.endUnrecorded(Outcome.rejected(jobId, store.bucket(), source, reason, ledger.now()))) {
            metrics.ended(jobId, JobState.REJECTED, reason);
        }
        LOG.infof("rejected %s (%s): %s", jobId, source, reason);
    }
}
