package dev.stylize.jobs;

import dev.stylize.plan.InvalidInputException;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where everything lives in the bucket. Users write {@code styles/}, {@code inbox/},
 * {@code jobs/} and {@code uploads/}; the API writes only under {@code requests/<jobId>/} (the
 * request, the photo its caller uploads, a cancellation); the service writes only under
 * {@code results/<jobId>/}.
 */
public final class JobLayout {
    public static final String STYLES = "styles/";
    public static final String INBOX = "inbox/";
    public static final String JOBS = "jobs/";
    public static final String UPLOADS = "uploads/";
    public static final String RESULTS = "results/";
    public static final String MODELS = "models/";
    public static final String REQUESTS = "requests/";
    /** The extensions of {@code styles/<name>.<extension>} that make a style of the library. */
    private static final Set<String> STYLE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp", "tif", "tiff");

    private JobLayout() {
    }

    /** A job asked for through the API: who asked, and what (a manifest without its content). */
    public static String requestKey(String jobId) {
        return REQUESTS + jobId + "/request.json";
    }

    /** Where the API's caller uploads the photo of its job (with the presigned URL it was given). */
    public static String requestPhotoKey(String jobId) {
        return REQUESTS + jobId + "/photo";
    }

    /** Written when the job's owner cancels it; the intake and the worker act on it. */
    public static String cancelKey(String jobId) {
        return REQUESTS + jobId + "/cancel.json";
    }

    /** {@code requests/<jobId>/<file>} gives the job id; anything else gives empty. */
    public static Optional<String> requestJobId(String key) {
        if (!key.startsWith(REQUESTS)) {
            return Optional.empty();
        }
        String[] parts = key.substring(REQUESTS.length()).split("/", -1);
        return parts.length == 2 && isValidJobId(parts[0]) ? Optional.of(parts[0]) : Optional.empty();
    }

    /** A new job id for a request: random, so that nobody can guess another caller's. */
    public static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    public static String jobKey(String jobId) {
        return RESULTS + jobId + "/job.json";
    }

    public static String statusKey(String jobId) {
        return RESULTS + jobId + "/status.json";
    }

    public static String outcomeKey(String jobId) {
        return RESULTS + jobId + "/outcome.json";
    }

    /** Written once the job's completion event is published. */
    public static String announcedKey(String jobId) {
        return RESULTS + jobId + "/announced.json";
    }

    public static String leaseKey(String jobId) {
        return RESULTS + jobId + "/lease.json";
    }

    public static String resultKey(String jobId, String extension) {
        return RESULTS + jobId + "/result." + extension;
    }

    public static String checkpointsPrefix(String jobId) {
        return RESULTS + jobId + "/checkpoints/";
    }

    public static String checkpointIndexKey(String jobId) {
        return RESULTS + jobId + "/checkpoints.json";
    }

    public static String checkpointImageKey(String jobId, int step) {
        return checkpointsPrefix(jobId) + String.format(Locale.ROOT, "step-%06d.png", step);
    }

    public static String checkpointStateKey(String jobId, int step) {
        return checkpointsPrefix(jobId) + String.format(Locale.ROOT, "step-%06d.state", step);
    }

    /** The step of a checkpoint state key, or empty for any other key. */
    public static Optional<Integer> checkpointStep(String key) {
        int slash = key.lastIndexOf('/');
        String name = key.substring(slash + 1);
        if (!name.startsWith("step-") || !name.endsWith(".state")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(name.substring(5, name.length() - 6)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * An object key as S3 event notifications carry it (URL-encoded, '+' for a space), decoded;
     * null when there is none or it is not validly encoded (S3 never sends such a key).
     */
    public static String decodeEventKey(String encoded) {
        if (encoded == null) {
            return null;
        }
        try {
            return java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code results/<jobId>/outcome.json} gives the job id; anything else gives empty. */
    public static Optional<String> outcomeJobId(String key) {
        // "results/outcome.json" both starts and ends so, with no job id between: the two overlap.
        if (!key.startsWith(RESULTS) || !key.endsWith("/outcome.json")
                || key.length() <= RESULTS.length() + "/outcome.json".length()) {
            return Optional.empty();
        }
        String jobId = key.substring(RESULTS.length(), key.length() - "/outcome.json".length());
        return isValidJobId(jobId) ? Optional.of(jobId) : Optional.empty();
    }

    /** What {@link #jobId} makes: a safe single path segment. */
    public static boolean isValidJobId(String jobId) {
        return jobId.matches("[a-z0-9][a-z0-9-]{0,63}");
    }

    /** {@code inbox/<style>/<file>} gives the style name; anything else gives empty. */
    public static Optional<String> inboxStyleName(String key) {
        if (!key.startsWith(INBOX)) {
            return Optional.empty();
        }
        String rest = key.substring(INBOX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(rest.substring(0, slash));
    }

    /**
     * A job id stable across duplicate deliveries of the same S3 event (same bucket, key and
     * sequencer) and different for every new upload, readable in listings.
     */
    public static String jobId(String bucket, String key, String sequencer) {
        String base = jobIdBase(key);
        byte[] event = (bucket + "\n" + key + "\n" + sequencer).getBytes(StandardCharsets.UTF_8);
        String hash = Digests.sha256(event).substring(0, 12);
        return base.isEmpty() ? hash : base + "-" + hash;
    }

    /** The readable start of the job id of an upload at {@code key}: its file name, simplified. */
    public static String jobIdBase(String key) {
        String base = key.substring(key.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        if (dot > 0) {
            base = base.substring(0, dot);
        }
        base = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        return base.length() > 40 ? base.substring(0, 40) : base;
    }

    /**
     * A file name for a new upload whose job can be found: the file's {@link #jobIdBase} (at most 30
     * characters, "photo" if nothing is left) plus a random tail, with its extension lower-cased
     * (dropped unless it is 1 to 5 letters or digits). Its job ids start with {@code jobIdBase} of it.
     */
    public static String uniqueUploadName(String fileName) {
        String base = jobIdBase(fileName);
        base = base.isEmpty() ? "photo" : base.length() > 30 ? base.substring(0, 30).replaceAll("-+$", "") : base;
        int dot = fileName.lastIndexOf('.');
        String extension = dot > 0 ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        String tail = UUID.randomUUID().toString().substring(0, 6);
        return base + "-" + tail + (extension.matches("[a-z0-9]{1,5}") ? "." + extension : "");
    }

    /**
     * The library style a key of {@code styles/} is, by name: {@code styles/<name>.<image extension>}
     * with a valid name; empty for any other key.
     */
    public static Optional<String> libraryStyleName(String key) {
        if (!key.startsWith(STYLES) || key.indexOf('/', STYLES.length()) >= 0) {
            return Optional.empty();
        }
        String file = key.substring(STYLES.length());
        int dot = file.lastIndexOf('.');
        if (dot <= 0 || !STYLE_EXTENSIONS.contains(file.substring(dot + 1).toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String name = file.substring(0, dot);
        return isValidStyleName(name) ? Optional.of(name) : Optional.empty();
    }

    /** What to say of a style the library lacks, naming (some of) those it has. */
    public static InvalidInputException styleNotFound(String name, Collection<String> library) {
        List<String> available = library.stream().sorted().distinct().limit(20).toList();
        return new InvalidInputException("style '" + name + "' not found: upload it as styles/" + name + ".jpg"
                + (available.isEmpty() ? " (the style library is empty)" : " (available: " + String.join(", ", available) + ")"));
    }

    /** Names a style in {@code styles/}: letters, digits, '-', '_' and '.', at most 100 characters. */
    public static boolean isValidStyleName(String name) {
        return name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}") && !name.contains("..");
    }

    /** Rejects keys that could escape a prefix or confuse tools: '..' segments, '//', control characters. */
    public static boolean isSafeKey(String key) {
        if (key.isEmpty() || key.length() > 1024 || key.startsWith("/") || key.contains("//")) {
            return false;
        }
        for (String segment : key.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return false;
            }
        }
        return key.chars().noneMatch(c -> c < 0x20 || c == 0x7F);
    }

    /** @throws InvalidInputException when {@link #isSafeKey} refuses {@code key} */
    public static void requireSafeKey(String key) {
        if (!isSafeKey(key)) {
            throw new InvalidInputException("'" + key + "' is not an acceptable key (no '..', '//', leading '/' or control characters)");
        }
    }

    /** @throws InvalidInputException when {@link #isValidStyleName} refuses {@code name} */
    public static void requireStyleName(String name) {
        if (!isValidStyleName(name)) {
            throw new InvalidInputException("'" + name + "' is not a style name (letters, digits, '.', '-', '_')");
        }
    }
}
