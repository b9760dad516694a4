package dev.stylize.jobs.testing;

import dev.stylize.plan.InvalidInputException;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What every fuzz target requires of an outcome; a failed check is a finding. */
public final class FuzzChecks {
    /** A Java class name (java.lang.Foo, com.example.Bar) or an exception's simple name. */
    private static final Pattern CLASS_NAME = InvalidInputException.JAVA_NAMES;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzChecks() {
    }

    public static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("expected: " + what);
        }
    }

    /**
     * Refusals are read by the person who sent the input: the product's words, no class names.
     * A name that the sender wrote (a key like 'uploads/s.Vpng') may come back quoted, so a
     * match that occurs in the input itself is theirs, not ours.
     */
    public static void requireProductWords(RuntimeException refused, byte[] input) {
        requireProductWords(refused, new String(input, StandardCharsets.UTF_8));
    }

    /** As above, where {@code sent} is the text the sender wrote, decoded (JSON escapes resolved, say). */
    public static void requireProductWords(RuntimeException refused, String sent) {
        String message = refused.getMessage();
        require(message != null && !message.isBlank(), "a refusal says why");
        Matcher names = CLASS_NAME.matcher(message);
        while (names.find()) {
            require(sent.contains(names.group()), "a refusal without Java class names, got: " + message);
        }
    }

    /** Bytes of heap the current thread allocates while running {@code task} (the JVM counts them exactly). */
    public static long allocation(Runnable task) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        task.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * Runs {@code task} and requires it to allocate at most {@code bound} bytes. The first run of
     * an input may load (and, while fuzzing, instrument) classes on this thread, which counts as
     * allocation too; so an input over the bound is run again, and only the second count decides.
     */
    public static void requireAllocationAtMost(long bound, Runnable task, String what) {
        long allocated = allocation(task);
        if (allocated > bound) {
            allocated = allocation(task);
        }
        if (allocated > bound) {
            throw new AssertionError(String.format(Locale.ROOT, "%s allocated %,d bytes, more than the bound of %,d",
                    what, allocated, bound));
        }
    }
}
