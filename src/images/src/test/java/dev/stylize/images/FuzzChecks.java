package dev.stylize.images;

import dev.stylize.plan.InvalidInputException;

import java.util.Locale;
import java.util.regex.Pattern;

/** What every image fuzz target requires of an outcome; a failed check is a finding. */
final class FuzzChecks {
    /** A Java class name (java.lang.Foo, com.example.Bar) or an exception's simple name. */
    private static final Pattern CLASS_NAME = InvalidInputException.JAVA_NAMES;

    private FuzzChecks() {
    }

    static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("expected: " + what);
        }
    }

    /** Refusals are read by the person who uploaded the file: the product's words, no class names. */
    static void requireProductWords(InvalidImageException refused) {
        String message = refused.getMessage();
        require(message != null && !message.isBlank(), "a refusal says why");
        require(!CLASS_NAME.matcher(message).find(), "a refusal without Java class names, got: " + message);
    }

    /**
     * Runs {@code task} and requires it to allocate at most {@code bound} bytes. The first run of
     * an input may load (and, while fuzzing, instrument) classes on this thread, which counts as
     * allocation too; so an input over the bound is run again, and only the second count decides.
     */
    static void requireAllocationAtMost(long bound, Runnable task, String what) {
        long allocated = Allocations.measure(task);
        if (allocated > bound) {
            allocated = Allocations.measure(task);
        }
        if (allocated > bound) {
            throw new AssertionError(String.format(Locale.ROOT, "%s allocated %,d bytes, more than the bound of %,d",
                    what, allocated, bound));
        }
    }
}
