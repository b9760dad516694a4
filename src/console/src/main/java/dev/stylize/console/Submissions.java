package dev.stylize.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.stylize.images.ImageHeader;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.PlanOptions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The submit page's form, written to the bucket as a user would write it: a photo with one style
 * and the service's defaults goes to {@code inbox/<style>/<file>} (what {@code bin/stylize submit}
 * writes); options or a blend make {@code uploads/<file>} plus a {@code jobs/<name>.json} manifest.
 * Paintings dropped with the form join the library first, as {@code submit --style} does. The form
 * always becomes a manifest first, checked by the intake's own reader; nothing is written until
 * every check has passed.
 */
final class Submissions {
    /**
     * The form's settings, sent as its {@code spec} field; null means "the service's default".
     */
    record Spec(List<StyleChoice> styles, String preset, Integer maxSize, Integer steps, Integer checkpointEvery,
                Boolean keepColors, String format) {
    }

    /** A style of the library by {@code name}, or a painting sent with the form as the part named {@code file}. */
    record StyleChoice(String name, String file, Double weight) {
    }

    /** The manifest the form becomes, as a user would write it; null values are left out. */
    record ManifestJson(String content, List<StyleJson> styles, String preset, PlanOptions options) {
    }

    record StyleJson(String name, Double weight) {
    }

    /** What was written, in order, and the start of the job id the intake will give it. */
    record Submitted(String jobIdBase, List<String> written) {
    }

    private final ObjectStore store;
    private final JobIndex index;
    private final SubmissionChecks checks;

    Submissions(ObjectStore store, JobIndex index, SubmissionChecks checks) {
        this.store = store;
        this.index = index;
        this.checks = checks;
    }

    Submitted submit(MultipartForm form) {
        MultipartForm.Part photo = form.part("photo").filter(p -> p.fileName() != null)
                .orElseThrow(() -> new InvalidInputException("drop a photo (or pick one) first"));
        ImageHeader photoHeader = checks.image(photo.fileName(), photo.bytes());
        Spec spec = spec(form);
        List<StyleChoice> choices = spec.styles() == null ? List.of() : spec.styles();
        checks.someStyle(choices.size());

        Set<String> library = new HashSet<>(index.styles().stream().map(JobView.LibraryStyle::name).toList());
        Map<String, byte[]> newStyles = new LinkedHashMap<>();
        List<StyleJson> styles = new ArrayList<>();
        for (StyleChoice choice : choices) {
            String name;
            if (choice.file() == null) {
                name = choice.name() == null ? "" : choice.name();
                checks.libraryStyle(name, library);
            } else {
                MultipartForm.Part painting = form.part(choice.file()).filter(p -> p.fileName() != null)
                        .orElseThrow(() -> new InvalidInputException("the painting '" + choice.file() + "' did not arrive"));
                ImageHeader header = checks.image(painting.fileName(), painting.bytes());
                name = JobLayout.jobIdBase(painting.fileName());
                checks.newStyle(name, library);
                library.add(name);
                newStyles.put(JobLayout.STYLES + name + "." + extension(header, painting.fileName()), painting.bytes());
            }
            styles.add(new StyleJson(name, choice.weight()));
        }

        // The form as a manifest, read back by the intake's reader: styles, weights, preset and options
        // are checked there, with the words a REJECTED outcome would use.
        String fileName = JobLayout.uniqueUploadName(photo.fileName());
        String content = JobLayout.UPLOADS + fileName;
        PlanOptions options = PlanOptions.NONE
                .with(PlanOptions.STEPS, spec.steps())
                .with(PlanOptions.MAX_SIZE, spec.maxSize())
                .with(PlanOptions.CHECKPOINT_EVERY, spec.checkpointEvery())
                .with(PlanOptions.KEEP_COLORS, Boolean.TRUE.equals(spec.keepColors()) ? true : null)
                .orElse(spec.format() == null ? PlanOptions.NONE : PlanOptions.fromJson(Map.of("format", spec.format())));
        byte[] manifestBytes = Json.write(new ManifestJson(content, styles, spec.preset(), options.isEmpty() ? null : options));
        Manifest manifest = checks.manifest(manifestBytes, store.bucket());
        checks.plan(manifest, photoHeader);

        Map<String, byte[]> writes = new LinkedHashMap<>(newStyles);
        String trigger;
        if (manifest.styles().size() == 1 && manifest.preset() == null && manifest.options().isEmpty()) {
            // What bin/stylize submit writes: the photo in the style's inbox, the service's defaults.
            trigger = JobLayout.INBOX + manifest.styles().getFirst().name() + "/" + fileName;
            writes.put(trigger, photo.bytes());
        } else {
            trigger = JobLayout.JOBS + JobLayout.jobIdBase(fileName) + ".json";
            writes.put(content, photo.bytes());
            writes.put(trigger, manifestBytes); // last: it starts the job, which reads the photo
        }
        writes.keySet().forEach(JobLayout::requireSafeKey);

        writes.forEach((key, bytes) -> store.write(key, bytes, key.startsWith(JobLayout.JOBS)
                ? "application/json" : "application/octet-stream"));
        return new Submitted(JobLayout.jobIdBase(trigger), List.copyOf(writes.keySet()));
    }

    private static Spec spec(MultipartForm form) {
        String json = form.part("spec").map(MultipartForm.Part::text).orElse("{}");
        try {
            return Json.MAPPER.readValue(json, Spec.class);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the form's settings are not valid: " + e.getOriginalMessage());
        }
    }

    /** The library's extension for a painting: from its format, which the file name may misstate. */
    private static String extension(ImageHeader header, String fileName) {
        return switch (header.format()) {
            case "jpeg", "jpg" -> "jpg";
            case "png" -> "png";
            case "webp" -> "webp";
            case "tif", "tiff" -> "tif";
            default -> fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        };
    }
}
