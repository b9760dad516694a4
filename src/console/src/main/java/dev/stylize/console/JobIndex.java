package dev.stylize.console;

import dev.stylize.console.JobView.Checkpoint;
import dev.stylize.console.JobView.Detail;
import dev.stylize.console.JobView.ImageRef;
import dev.stylize.console.JobView.LibraryStyle;
import dev.stylize.console.JobView.Style;
import dev.stylize.console.JobView.Summary;
import dev.stylize.jobs.CompletionEvent;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.store.StoredObject;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Reads the jobs under {@code results/} as the pages show them. One listing gives every job's
 * objects; the JSON documents are read again only when their ETag changes (job.json and
 * outcome.json never do, status.json does while a job runs).
 */
final class JobIndex {
    /** The jobs list shows this many, newest first. */
    static final int LIST_LIMIT = 200;
    private static final int MAX_CACHED_DOCUMENTS = 5000;

    private final JobLedger ledger;
    private final Map<String, Cached> documents = new ConcurrentHashMap<>();
    /** At most this many documents are read from S3 at once. */
    private final Semaphore s3Reads = new Semaphore(16);

    private record Cached(String etag, Object document) {
    }

    /** The objects of one job, from a listing. */
    private static final class Objects {
        StoredObject job;
        StoredObject status;
        StoredObject outcome;
        StoredObject result;
        final TreeMap<Integer, StoredObject> checkpoints = new TreeMap<>();

        Instant created() {
            StoredObject first = job != null ? job : outcome != null ? outcome : status;
            return first == null ? Instant.EPOCH : first.lastModified();
        }
    }

    JobIndex(JobLedger ledger) {
        this.ledger = ledger;
    }

    /** The newest {@value #LIST_LIMIT} jobs, newest first. */
    List<Summary> jobs() {
        Map<String, Objects> byJob = new LinkedHashMap<>();
        for (StoredObject object : ledger.store().list(JobLayout.RESULTS)) {
            String[] parts = object.key().split("/", 3);
            if (parts.length == 3) {
                add(byJob.computeIfAbsent(parts[1], id -> new Objects()), parts[2], object);
            }
        }
        if (documents.size() > MAX_CACHED_DOCUMENTS) {
            documents.clear();
        }
        List<Map.Entry<String, Objects>> newest = byJob.entrySet().stream()
                .filter(e -> e.getValue().job != null || e.getValue().status != null || e.getValue().outcome != null)
                .sorted(Comparator.comparing((Map.Entry<String, Objects> e) -> e.getValue().created()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(LIST_LIMIT)
                .toList();
        // The first look reads up to three documents per job: side by side, not one after another.
        try (ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Summary>> summaries = newest.stream()
                    .map(e -> reads.submit(() -> summary(e.getKey(), e.getValue()))).toList();
            return summaries.stream().map(JobIndex::join).toList();
        }
    }

    private static <T> T join(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    Optional<Detail> job(String jobId) {
        if (!JobLayout.isValidJobId(jobId)) {
            return Optional.empty();
        }
        Objects objects = new Objects();
        String prefix = JobLayout.RESULTS + jobId + "/";
        for (StoredObject object : ledger.store().list(prefix)) {
            add(objects, object.key().substring(prefix.length()), object);
        }
        if (objects.job == null && objects.status == null && objects.outcome == null) {
            return Optional.empty();
        }
        Summary summary = summary(jobId, objects);
        List<Checkpoint> checkpoints = objects.checkpoints.entrySet().stream()
                .map(e -> new Checkpoint(e.getKey(), ref(e.getValue()))).toList();
        Optional<Outcome> outcome = read(objects.outcome, () -> ledger.outcome(jobId));
        return Optional.of(new Detail(summary, checkpoints, read(objects.job, () -> ledger.job(jobId)).orElse(null),
                read(objects.status, () -> ledger.status(jobId)).orElse(null), outcome.orElse(null),
                outcome.map(CompletionEvent::of).orElse(null), outcome.isEmpty() && ledger.cancelRequested(jobId)));
    }

    /** The job of the upload whose {@link JobLayout#jobIdBase} is {@code base}, once the intake has made it. */
    Optional<String> find(String base) {
        return base.matches("[a-z0-9-]+") ? ledger.jobOf(base) : Optional.empty();
    }

    /** The style library: {@code styles/<name>.<image extension>}, by name. */
    List<LibraryStyle> styles() {
        return ledger.store().list(JobLayout.STYLES).stream()
                .flatMap(o -> JobLayout.libraryStyleName(o.key()).map(name -> new LibraryStyle(name, o.key(), o.etag())).stream())
                .sorted(Comparator.comparing(LibraryStyle::name))
                .toList();
    }

    private static void add(Objects objects, String name, StoredObject object) {
        switch (name) {
            case "job.json" -> objects.job = object;
            case "status.json" -> objects.status = object;
            case "outcome.json" -> objects.outcome = object;
            default -> {
                if (name.startsWith("result.")) {
                    objects.result = object;
                } else if (name.startsWith("checkpoints/") && name.endsWith(".png")) {
                    JobLayout.checkpointStep(name.substring(0, name.length() - 4) + ".state")
                            .ifPresent(step -> objects.checkpoints.put(step, object));
                }
            }
        }
    }

    private Summary summary(String jobId, Objects objects) {
        Optional<Job> job = read(objects.job, () -> ledger.job(jobId));
        Optional<JobStatus> status = read(objects.status, () -> ledger.status(jobId));
        Optional<Outcome> outcome = read(objects.outcome, () -> ledger.outcome(jobId));
        JobState state = outcome.map(Outcome::status).or(() -> status.map(JobStatus::state)).orElse(JobState.QUEUED);
        String reason = outcome.map(Outcome::reason)
                .or(() -> status.filter(s -> s.state().isTerminal()).map(JobStatus::lastError)).orElse(null);
        List<Style> styles = job.map(j -> j.styles().stream()
                .map(s -> new Style(s.key(), styleName(s.key()), s.weight())).toList()).orElse(List.of());
        // Checkpoints are written between statuses: the newest one is progress too.
        Integer step = outcome.map(Outcome::steps).or(() -> status.map(JobStatus::step)
                .map(s -> objects.checkpoints.isEmpty() ? s : Math.max(s, objects.checkpoints.lastKey()))).orElse(null);
        return new Summary(jobId, state, step,
                status.map(JobStatus::totalSteps).or(() -> outcome.map(Outcome::steps))
                        .or(() -> job.map(j -> j.plan().totalSteps())).orElse(null),
                state.isTerminal() ? null : status.map(JobStatus::etaSeconds).orElse(null),
                job.map(Job::preset).orElse(null),
                job.map(j -> j.plan().size()).orElse(null),
                job.map(Job::contentKey).orElse(null),
                styles,
                objects.result == null ? null : ref(objects.result),
                objects.checkpoints.isEmpty() ? null : ref(objects.checkpoints.lastEntry().getValue()),
                reason,
                outcome.map(Outcome::notes).or(() -> status.map(JobStatus::notes)).orElse(null),
                state == JobState.RUNNING ? ledger.workerLostAt(jobId).orElse(null) : null,
                objects.created() == Instant.EPOCH ? null : objects.created().toString(),
                status.map(JobStatus::updatedAt).orElse(null));
    }

    private static String styleName(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    private static ImageRef ref(StoredObject object) {
        return new ImageRef(object.key(), object.etag());
    }

    /**
     * A job's record as of the listed ETag, read through the ledger when it has changed; one that is
     * missing or unreadable (being rewritten) reads as empty.
     */
    private <T> Optional<T> read(StoredObject object, Supplier<Optional<T>> reader) {
        if (object == null) {
            return Optional.empty();
        }
        Cached cached = documents.get(object.key());
        if (cached != null && cached.etag().equals(object.etag())) {
            @SuppressWarnings("unchecked") T document = (T) cached.document();
            return Optional.of(document);
        }
        try {
            s3Reads.acquire();
            try {
                Optional<T> document = reader.get();
                document.ifPresent(d -> documents.put(object.key(), new Cached(object.etag(), d)));
                return document;
            } finally {
                s3Reads.release();
            }
        } catch (UncheckedIOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
