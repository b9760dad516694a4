package dev.stylize.worker;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises running out of memory during a job, which no retry can cure: the JVM's
 * OutOfMemoryError, or libtorch's allocators, whose errors arrive as DJL EngineExceptions
 * ("CUDA out of memory. Tried to allocate …", "DefaultCPUAllocator: can't allocate memory: …",
 * "… not enough memory: you tried to allocate …").
 */
final class OutOfMemory {
    private static final Pattern MESSAGE = Pattern.compile(
            "(?i)out of memory|can't allocate memory|cannot allocate memory|not enough memory");
    /** libtorch appends a C++ stack trace to its first line; the reason keeps that line, this long at most. */
    private static final int MAX_DETAIL = 300;

    private OutOfMemory() {
    }

    /** The failure's reason when {@code error} (or one of its causes) is an allocation that did not fit. */
    static Optional<String> reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage();
            if (t instanceof OutOfMemoryError || MESSAGE.matcher(message).find()) {
                String first = message.isBlank() ? t.getClass().getSimpleName() : message.lines().findFirst().orElseThrow().trim();
                String detail = first.length() > MAX_DETAIL ? first.substring(0, MAX_DETAIL) + "…" : first;
                return Optional.of("the job ran out of memory: " + detail + "; resubmit with a smaller maxSize");
            }
        }
        return Optional.empty();
    }
}
