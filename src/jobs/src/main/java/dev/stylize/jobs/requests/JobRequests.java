package dev.stylize.jobs.requests;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.JobRequest;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleLibrary;
import dev.stylize.jobs.store.ObjectLinks;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.plan.InvalidInputException;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one owner of {@code requests/<jobId>/request.json} and of the rules of jobs asked for
 * through the API: a request is checked as far as it can be before its photo exists and recorded
 * with its owner; its owner alone sees and cancels it; a request whose photo never came ends
 * EXPIRED.
 */
public final class JobRequests {
    /**
     * How long a request waits for its photo before it expires. Its upload URL lives two thirds of
     * it (10 minutes), so an upload begun as the URL runs out has a third of the window to finish.
     */
    public static final Duration UPLOAD_WINDOW = Duration.ofMinutes(15);
    /** How long the links to a result or a checkpoint live. */
    public static final Duration LINK_LIFE = Duration.ofHours(1);

    private final JobLedger ledger;
    private final ObjectStore store;
    private final ObjectLinks links;
    private final IntakeSettings settings;
    private final StyleLibrary styles;
    private final JobCancellations cancellations;
    private final Duration uploadWindow;

    /** @param uploadWindow how long a request waits for its photo ({@link #UPLOAD_WINDOW}; shorter in tests) */
    public JobRequests(JobLedger ledger, ObjectLinks links, IntakeSettings settings, Duration uploadWindow) {
        this.ledger = ledger;
        this.store = ledger.store();
        this.links = links;
        this.settings = settings;
        this.styles = new StyleLibrary(store);
        this.cancellations = new JobCancellations(ledger);
        this.uploadWindow = uploadWindow;
    }

    /** A new request: its id, and where its photo goes (a presigned PUT) until {@code uploadBy}. */
    public record Submitted(String jobId, URI uploadUrl, String uploadBy) {
    }

    /**
     * Checks what {@code body} asks (its shape, the styles it names, the bounds that hold whatever
     * the photo: the budget waits for the photo's size) and records it for {@code owner}.
     *
     * @throws InvalidInputException saying what is wrong; nothing is recorded then
     */
    public Submitted submit(String owner, byte[] body) {
        Manifest asked = Manifest.request(body, settings.limits());
        for (Manifest.Style style : asked.styles()) {
            if (style.key() == null) {
                styles.find(style.name());
            } else if (!store.exists(style.key())) {
                throw new InvalidInputException("style " + style.key() + " does not exist");
            }
        }
        int largest = settings.limits().maxSize();
        settings.planWithinLimits(asked.preset(), asked.options(), largest, largest);
        String jobId = JobLayout.newRequestId();
        Instant now = Instant.parse(ledger.now());
        JobRequest request = new JobRequest(jobId, owner, Json.read(body, JsonNode.class), now.toString());
        store.create(JobLayout.requestKey(jobId), Json.write(request), "application/json");
        Duration linkLife = uploadWindow.multipliedBy(2).dividedBy(3);
        return new Submitted(jobId, links.upload(JobLayout.requestPhotoKey(jobId), linkLife), now.plus(linkLife).toString());
    }

    /** The request behind a job, whoever owns it; empty for a job not asked for through the API. */
    public Optional<JobRequest> request(String jobId) {
        if (!JobLayout.isValidJobId(jobId)) {
            return Optional.empty();
        }
        return store.read(JobLayout.requestKey(jobId)).map(bytes -> Json.read(bytes, JobRequest.class));
    }

    private Optional<JobRequest> owned(String owner, String jobId) {
        return request(jobId).filter(r -> r.owner() != null && r.owner().equals(owner));
    }

    /** The job as {@code owner} sees it; empty when there is no such job or it is someone else's. */
    public Optional<JobView> view(String owner, String jobId) {
        Optional<JobRequest> request = owned(owner, jobId);
        if (request.isEmpty()) {
            return Optional.empty();
        }
        Optional<Outcome> outcome = ledger.outcome(jobId);
        Optional<JobStatus> status = ledger.status(jobId);
        JobState state = outcome.map(Outcome::status).or(() -> status.map(JobStatus::state)).orElse(JobState.AWAITING_UPLOAD);
        URI result = outcome.filter(o -> o.status() == JobState.SUCCEEDED && o.resultKey() != null)
                .map(o -> links.download(o.resultKey(), LINK_LIFE)).orElse(null);
        URI checkpoint = state == JobState.RUNNING ? status.map(JobStatus::latestCheckpoint)
                .map(key -> links.download(key, LINK_LIFE)).orElse(null) : null;
        return Optional.of(new JobView(jobId, state, status.map(JobStatus::step).orElse(null),
                status.map(JobStatus::totalSteps).orElse(null), status.map(JobStatus::loss).orElse(null),
                state.isTerminal() ? null : status.map(JobStatus::etaSeconds).orElse(null),
                outcome.map(Outcome::reason).orElse(null), outcome.isEmpty() && ledger.cancelRequested(jobId),
                request.get().requestedAt(), status.map(JobStatus::updatedAt).orElse(request.get().requestedAt()),
                outcome.map(Outcome::notes).or(() -> status.map(JobStatus::notes)).orElse(null), result, checkpoint));
    }

    /** Records {@code owner}'s wish to cancel the job ({@link JobCancellations} carries it out). */
    public Cancellation cancel(String owner, String jobId) {
        return owned(owner, jobId).isEmpty() ? new Cancellation.NotFound() : cancellations.request(jobId, owner);
    }

    /**
     * Ends a request whose photo has not come within the upload window (the intake schedules this
     * check when the request is made); a request whose photo came, or that ended, is left as it is.
     *
     * @return the outcome, if this call ended the job
     */
    public Optional<Outcome> expireUnlessUploaded(String jobId) {
        if (request(jobId).isEmpty() || ledger.hasEnded(jobId) || ledger.job(jobId).isPresent()
                || store.exists(JobLayout.requestPhotoKey(jobId))) {
            return Optional.empty();
        }
        Outcome outcome = Outcome.unrecorded(jobId, store.bucket(), JobState.EXPIRED, JobLayout.requestKey(jobId),
                "no photo was uploaded within " + uploadWindow.toMinutes() + " minutes of the request"
                        + (uploadWindow.toMinutes() == 0 ? " (" + uploadWindow.toSeconds() + " s)" : ""), ledger.now());
        return ledger.endUnrecorded(outcome) ? Optional.of(outcome) : Optional.empty();
    }
}
