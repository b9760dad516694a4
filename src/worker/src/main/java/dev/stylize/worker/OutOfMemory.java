package dev.stylize.worker;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Running out of memory during a job: libtorch's CUDA allocator ("CUDA out of memory") or CPU
 * allocator ("can't allocate memory", an EngineException), or the JVM's OutOfMemoryError. The
 * same job would run out again on a retry, so it is a permanent failure with this reason.
 */
final class OutOfMemory {
    private static final Pattern LIBTORCH = Pattern.compile(
            "(?i)out of memory|can't allocate memory|not enough memory|cannot allocate memory");

    private OutOfMemory() {
    }

    /** The failure's reason when {@code error} (or a cause) is an out-of-memory error. */
    static Optional<String> reason(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof OutOfMemoryError) {
                return Optional.of("the worker ran out of memory (Java: " + e.getMessage() + "); resubmit with a smaller "
                        + "maxSize");
            }
            String message = e.getMessage();
            if (message != null && LIBTORCH.matcher(message).find()) {
                String first = message.lines().findFirst().orElse(message).trim();
                return Optional.of("the worker ran out of memory (" + (first.length() > 300 ? first.substring(0, 300) + "…"
                        : first) + "); resubmit with a smaller maxSize");
            }
        }
        return Optional.empty();
    }
}
