package dev.stylize.console;

import dev.stylize.images.ImageHeader;
import dev.stylize.images.ImageUploadCheck;
import dev.stylize.images.InvalidImageException;
import dev.stylize.jobs.IntakeSettings;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.Manifest;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every check the console makes before it writes anything to the bucket. The intake's own code
 * makes them: its image checks ({@link ImageUploadCheck}), the manifest reader ({@link Manifest#parse}),
 * the bucket's layout ({@link JobLayout}); so a submission the console lets through is one the intake
 * accepts, and one it refuses says what the REJECTED outcome would have said. The console adds only
 * rules of its own form (a style to pick, a painting's new name, what it reads at once). Failures throw
 * {@link InvalidInputException} or {@link InvalidImageException}, whose messages are for the user.
 *
 * @param intake the intake's settings: their limits (upload size, pixels, the job budget) and defaults
 */
public record SubmissionChecks(IntakeSettings intake) {
    /**
     * The checks of a deployment whose jobs may ask up to {@code maxJobSize} px and cost up to
     * {@code jobBudget} megapixel-steps (0: its default), with the template's default preset.
     */
    public static SubmissionChecks forDeployment(int maxJobSize, double jobBudget) {
        IntakeSettings deployed = IntakeSettings.of(Limits.service(maxJobSize), Preset.QUALITY, PlanOptions.NONE);
        return new SubmissionChecks(jobBudget <= 0 ? deployed : new IntakeSettings(deployed.limits(), deployed.maxUploadBytes(),
                deployed.maxPixels(), deployed.defaultPreset(), deployed.defaultOptions(), new JobBudget(jobBudget)));
    }

    /** The intake's default limits (a deployed intake may be configured otherwise). */
    public static SubmissionChecks intakeDefaults() {
        return forDeployment(Limits.SERVICE_MAX_SIZE, 0);
    }

    /** What one job may ask: sizes, steps. */
    public Limits limits() {
        return intake.limits();
    }

    public long maxUploadBytes() {
        return intake.maxUploadBytes();
    }

    /**
     * An upload of {@code size} bytes, read only once its size has passed (the intake judges a size
     * from the S3 event, before reading anything).
     */
    public ImageHeader image(String name, long size, Supplier<byte[]> bytes) {
        return ImageUploadCheck.check(name, size, intake.maxUploadBytes(), intake.maxPixels(), new WholeFile(bytes));
    }

    /** A whole photo or painting in memory. */
    public ImageHeader image(String name, byte[] bytes) {
        return image(name, bytes.length, () -> bytes);
    }

    /**
     * The console's own limit: a whole submission is read into memory, so at most the photo and one
     * new painting at the upload limit, or several smaller paintings.
     */
    public void submissionSize(long bytes) {
        long limit = 2 * intake.maxUploadBytes() + 1024 * 1024;
        if (bytes > limit) {
            throw new InvalidInputException(String.format(Locale.ROOT,
                    "the photo and the new paintings together are %.1f MB; the console takes at most %.1f MB at once",
                    bytes / 1048576.0, limit / 1048576.0));
        }
    }

    /** The console's own rule: the form names at least one style (how many, and their weights, is the manifest's business). */
    public void someStyle(int chosen) {
        if (chosen == 0) {
            throw new InvalidInputException("pick at least one style from the library or drop a painting");
        }
    }

    /** A style of the library, by name: one the library has, said as the intake says it. */
    public void libraryStyle(String name, Collection<String> library) {
        JobLayout.requireStyleName(name);
        if (!library.contains(name)) {
            throw JobLayout.styleNotFound(name, library);
        }
    }

    /** The console's own rule: a painting dropped to join the library takes a name it does not have yet. */
    public void newStyle(String name, Collection<String> library) {
        JobLayout.requireStyleName(name);
        if (library.contains(name)) {
            throw new InvalidInputException("the library already has a style named '" + name
                    + "': pick it from the library, or rename the file to add another");
        }
    }

    /** A manifest as the intake reads it: styles, weights, preset and options, with the intake's words. */
    public Manifest manifest(byte[] json, String bucket) {
        return Manifest.parse(json, bucket, intake.limits());
    }

    /** The job's plan as the intake will make it for this photo: within the service's bounds and the job budget. */
    public void plan(Manifest manifest, ImageHeader photo) {
        intake.plan(manifest.preset(), manifest.options(), photo.width(), photo.height());
    }

    /** A whole file, fetched on first use, read as the intake reads an object's first and last bytes. */
    private static final class WholeFile implements ImageUploadCheck.Source {
        private final Supplier<byte[]> fetch;
        private byte[] bytes;

        WholeFile(Supplier<byte[]> fetch) {
            this.fetch = fetch;
        }

        @Override
        public Optional<byte[]> first(int length) {
            byte[] all = bytes();
            return Optional.of(Arrays.copyOf(all, Math.min(length, all.length)));
        }

        @Override
        public Optional<byte[]> last(int length) {
            byte[] all = bytes();
            return Optional.of(Arrays.copyOfRange(all, Math.max(0, all.length - length), all.length));
        }

        private byte[] bytes() {
            if (bytes == null) {
                bytes = fetch.get();
            }
            return bytes;
        }
    }
}
