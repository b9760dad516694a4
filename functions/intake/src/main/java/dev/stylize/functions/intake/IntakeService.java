package dev.stylize.functions.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stylize.images.ImageHeader;
import dev.stylize.images.InvalidImageException;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobMessage;
import dev.stylize.jobs.JobOptions;
import dev.stylize.jobs.JobRejectedException;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.events.S3EventNotification;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns one uploaded object into a queued job or a REJECTED outcome.
 *
 * <p>Order matters for "nothing accepted is ever lost": the job is recorded first (a
 * conditional write, so duplicate S3 events record it once), then enqueued on every
 * delivery. A crash in between is repaired by S3's retry of the event; the worker ignores
 * messages for jobs that have already ended.
 */
public class IntakeService {
    private static final Logger LOG = Logger.getLogger(IntakeService.class);
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "tif", "tiff");
    /** Enough for the header of nearly every photo (EXIF, ICC, thumbnail come before the frame). */
    private static final int HEADER_BYTES = 256 * 1024;
    private static final int LARGE_HEADER_BYTES = 4 * 1024 * 1024;
    /** Length 0, "IEND", CRC: the last 12 bytes of every complete PNG. */
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    private final JobStore store;
    private final SqsClient sqs;
    private final String queueUrl;
    private final IntakeSettings settings;
    private final Clock clock;

    public IntakeService(JobStore store, SqsClient sqs, String queueUrl, IntakeSettings settings, Clock clock) {
        this.store = store;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.settings = settings;
        this.clock = clock;
    }

    /** @return one line saying what happened, for the function's log and response */
    public String accept(S3EventNotification.Record record) {
        if (!record.isObjectCreated()) {
            return "ignored " + record.eventName();
        }
        String key = record.key();
        if (!record.bucket().equals(store.bucket())) {
            return "ignored: " + record.bucket() + " is not this service's bucket";
        }
        if (!key.startsWith(JobLayout.INBOX) && !key.startsWith(JobLayout.JOBS)) {
            return "ignored " + key + ": not under inbox/ or jobs/";
        }
        var object = record.s3().object();
        String jobId = JobLayout.jobId(record.bucket(), key,
                object.sequencer() != null ? object.sequencer() : object.eTag() + record.eventTime());
        if (store.exists(JobLayout.outcomeKey(jobId))) {
            return "duplicate " + jobId + ": already ended";
        }
        try {
            Job job = key.startsWith(JobLayout.INBOX)
                    ? fromInbox(jobId, key, object.size())
                    : fromManifest(jobId, key, object.size());
            boolean created = store.createJson(JobLayout.jobKey(jobId), job);
            if (created) {
                store.writeJson(JobLayout.statusKey(jobId), JobStatus.queued(jobId, now()));
            }
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.compact(new JobMessage(jobId, store.bucket()))));
            LOG.infof("accepted %s from %s%s", jobId, key, created ? "" : " (repeated event, enqueued again)");
            return "accepted " + jobId;
        } catch (JobRejectedException | InvalidImageException e) {
            reject(jobId, key, e.getMessage());
            return "rejected " + jobId + ": " + e.getMessage();
        }
    }

    private Job fromInbox(String jobId, String key, Long size) {
        requireSafe(key);
        String styleName = JobLayout.inboxStyleName(key).orElseThrow(() -> new JobRejectedException(
                "photos go in inbox/<style-name>/<file>; '" + key + "' names no style folder"));
        checkImage(key, size);
        StyleRef style = new StyleRef(resolveStyle(styleName), 1.0);
        return new Job(jobId, store.bucket(), key, List.of(style), settings.defaultPreset(),
                settings.defaultOptions(), key, now());
    }

    private Job fromManifest(String jobId, String key, Long size) {
        if (!key.toLowerCase(Locale.ROOT).endsWith(".json")) {
            throw new JobRejectedException("manifests are JSON files: jobs/<name>.json, got '" + key + "'");
        }
        if (size != null && size > IntakeSettings.MAX_MANIFEST_BYTES) {
            throw new JobRejectedException("manifest is " + size + " bytes; the limit is " + IntakeSettings.MAX_MANIFEST_BYTES);
        }
        byte[] bytes = store.readBytes(key).orElseThrow(() -> new JobRejectedException(
                "manifest " + key + " was deleted before it could be read"));
        if (bytes.length > IntakeSettings.MAX_MANIFEST_BYTES) {
            throw new JobRejectedException("manifest is " + bytes.length + " bytes; the limit is "
                    + IntakeSettings.MAX_MANIFEST_BYTES);
        }
        Manifest manifest = parse(bytes);
        if (manifest.bucket() != null && !manifest.bucket().equals(store.bucket())) {
            throw new JobRejectedException("manifests may only name objects in this bucket (" + store.bucket()
                    + "), not '" + manifest.bucket() + "'");
        }
        String content = manifest.content();
        if (content == null || content.isBlank()) {
            throw new JobRejectedException("manifest needs \"content\": the key of a photo under uploads/");
        }
        requireSafe(content);
        if (!content.startsWith(JobLayout.UPLOADS)) {
            throw new JobRejectedException("\"content\" must be a key under uploads/, got '" + content + "'");
        }
        List<StyleRef> styles = resolveStyles(manifest.styles());
        String preset = manifest.preset() == null ? settings.defaultPreset() : manifest.preset().toLowerCase(Locale.ROOT);
        if (!JobOptions.PRESETS.contains(preset)) {
            throw new JobRejectedException("preset must be one of " + String.join(", ", JobOptions.PRESETS.stream().sorted().toList())
                    + ", got '" + manifest.preset() + "'");
        }
        JobOptions options = manifest.options() == null ? JobOptions.none() : manifest.options();
        options.validate();
        checkImage(content, headSize(content));
        return new Job(jobId, store.bucket(), content, styles, preset, options.orElse(settings.defaultOptions()), key, now());
    }

    private static Manifest parse(byte[] bytes) {
        try {
            return Json.MAPPER.readValue(bytes, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new JobRejectedException("manifest is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new JobRejectedException("manifest cannot be read: " + e.getMessage());
        }
    }

    private List<StyleRef> resolveStyles(List<Manifest.Style> styles) {
        if (styles == null || styles.isEmpty()) {
            throw new JobRejectedException("manifest needs \"styles\": at least one {\"name\": …} or {\"key\": \"styles/…\"}");
        }
        if (styles.size() > IntakeSettings.MAX_STYLES) {
            throw new JobRejectedException("a job blends at most " + IntakeSettings.MAX_STYLES + " styles, got " + styles.size());
        }
        List<StyleRef> refs = new ArrayList<>();
        for (Manifest.Style style : styles) {
            double weight = style.weight() == null ? 1.0 : style.weight();
            if (!Double.isFinite(weight) || weight <= 0 || weight > 1e6) {
                throw new JobRejectedException("style weights must be above 0 and at most 1e6, got " + style.weight());
            }
            String key;
            if (style.key() != null) {
                key = style.key();
                requireSafe(key);
                if (!key.startsWith(JobLayout.STYLES)) {
                    throw new JobRejectedException("style keys must be under styles/, got '" + key + "'");
                }
                checkImage(key, headSize(key));
            } else if (style.name() != null) {
                key = resolveStyle(style.name());
            } else {
                throw new JobRejectedException("each style needs a \"name\" or a \"key\"");
            }
            refs.add(new StyleRef(key, weight));
        }
        return refs;
    }

    /** {@code styles/<name>.<image extension>}, checked to be a readable image. */
    private String resolveStyle(String name) {
        if (!JobLayout.isValidStyleName(name)) {
            throw new JobRejectedException("'" + name + "' is not a style name (letters, digits, '.', '-', '_')");
        }
        for (S3Object object : store.list(JobLayout.STYLES + name + ".")) {
            String extension = object.key().substring(JobLayout.STYLES.length() + name.length() + 1).toLowerCase(Locale.ROOT);
            if (IMAGE_EXTENSIONS.contains(extension)) {
                checkImage(object.key(), object.size());
                return object.key();
            }
        }
        List<String> available = store.list(JobLayout.STYLES).stream()
                .map(o -> o.key().substring(JobLayout.STYLES.length()))
                .map(n -> n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n)
                .sorted().limit(20).toList();
        throw new JobRejectedException("style '" + name + "' not found: upload it as styles/" + name + ".jpg"
                + (available.isEmpty() ? " (the style library is empty)" : " (available: " + String.join(", ", available) + ")"));
    }

    /** Size, format and dimensions, reading only the first bytes of the object. */
    private void checkImage(String key, Long size) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        if (size != null && size == 0) {
            throw new JobRejectedException(name + " is empty (0 bytes), not an image");
        }
        if (size != null && size > settings.maxUploadBytes()) {
            throw new JobRejectedException(String.format(Locale.ROOT, "%s is %.1f MB; the limit is %.1f MB",
                    name, size / 1048576.0, settings.maxUploadBytes() / 1048576.0));
        }
        byte[] head = store.readPrefix(key, HEADER_BYTES).orElseThrow(() -> new JobRejectedException(
                name + " was deleted before it could be checked"));
        ImageHeader header;
        try {
            header = ImageHeader.read(head, name);
        } catch (InvalidImageException e) {
            if (head.length < HEADER_BYTES) {
                throw e;
            }
            header = ImageHeader.read(store.readPrefix(key, LARGE_HEADER_BYTES).orElseThrow(), name);
        }
        header.requireAtMost(settings.maxPixels());
        requireComplete(key, name, header, head, size);
    }

    /**
     * Catches truncated PNG and WebP files from their last bytes or their declared length.
     * Not JPEG: phones' motion photos carry a video after the JPEG's end marker, so a missing
     * marker at the end proves nothing; the worker's decoder refuses truncated JPEGs.
     */
    private void requireComplete(String key, String name, ImageHeader header, byte[] head, Long size) {
        if (header.format().equals("png")) {
            byte[] tail = store.readSuffix(key, PNG_END.length).orElse(new byte[0]);
            if (!Arrays.equals(tail, PNG_END)) {
                throw new JobRejectedException(name + " is truncated: a PNG ends with its IEND chunk, this one does not");
            }
        } else if (header.format().equals("webp") && size != null && head.length >= 8) {
            long declared = (head[4] & 0xFFL) | (head[5] & 0xFFL) << 8 | (head[6] & 0xFFL) << 16 | (head[7] & 0xFFL) << 24;
            if (declared + 8 != size) {
                throw new JobRejectedException(name + " is truncated: the WebP declares " + (declared + 8)
                        + " bytes but has " + size);
            }
        }
    }

    private long headSize(String key) {
        try {
            return store.s3().headObject(b -> b.bucket(store.bucket()).key(key)).contentLength();
        } catch (NoSuchKeyException e) {
            throw new JobRejectedException(key + " does not exist in " + store.bucket());
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new JobRejectedException(key + " does not exist in " + store.bucket());
            }
            throw e;
        }
    }

    private static void requireSafe(String key) {
        if (!JobLayout.isSafeKey(key)) {
            throw new JobRejectedException("'" + key + "' is not an acceptable key (no '..', '//', leading '/' or control characters)");
        }
    }

    private void reject(String jobId, String source, String reason) {
        String at = now();
        if (store.createJson(JobLayout.outcomeKey(jobId), Outcome.rejected(jobId, store.bucket(), source, reason, at))) {
            store.writeJson(JobLayout.statusKey(jobId), new JobStatus(jobId, JobState.REJECTED, null, null, null, null,
                    null, null, null, null, 0, reason, null, at));
        }
        LOG.infof("rejected %s (%s): %s", jobId, source, reason);
    }

    private String now() {
        return clock.instant().toString();
    }
}
