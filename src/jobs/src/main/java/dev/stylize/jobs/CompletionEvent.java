package dev.stylize.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.stylize.plan.PlanOptions;

import java.util.List;
import java.util.Locale;

/**
 * The completion event, a CloudEvents 1.0 envelope (structured JSON mode). Documented in
 * docs/completion-event.md; {@code data.schemaVersion} changes only with incompatible changes.
 *
 * @param id stable per job and status, so at-least-once deliveries can be de-duplicated
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompletionEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        String dataschema,
        Data data) {

    public static final int SCHEMA_VERSION = 1;
    public static final String DATASCHEMA = "urn:stylize:completion-event:v1";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Data(
            int schemaVersion,
            String jobId,
            String status,
            Result result,
            Inputs inputs,
            String preset,
            PlanOptions options,
            Integer steps,
            Double finalLoss,
            String weights,
            Outcome.Timings timings,
            Error error,
            List<String> notes,
            Downsized downsized) {
    }

    public record Result(String bucket, String key, String uri) {
    }

    public record Inputs(String source, String content, List<StyleRef> styles) {
    }

    public record Error(String reason) {
    }

    public static CompletionEvent of(Outcome outcome) {
        String status = outcome.status().name();
        Result result = outcome.resultKey() == null ? null
                : new Result(outcome.bucket(), outcome.resultKey(), "s3://" + outcome.bucket() + "/" + outcome.resultKey());
        Data data = new Data(SCHEMA_VERSION, outcome.jobId(), status, result,
                new Inputs(outcome.source(), outcome.contentKey(), outcome.styles()), outcome.preset(), outcome.options(),
                outcome.steps(), outcome.finalLoss(), outcome.weights(), outcome.timings(),
                outcome.reason() == null ? null : new Error(outcome.reason()), outcome.notes(), outcome.downsized());
        String time = outcome.timings() != null ? outcome.timings().finishedAt() : null;
        return new CompletionEvent("1.0", outcome.jobId() + "/" + status, "urn:stylize:" + outcome.bucket(),
                "dev.stylize.job." + status.toLowerCase(Locale.ROOT), outcome.jobId(), time, "application/json",
                DATASCHEMA, data);
    }
}
