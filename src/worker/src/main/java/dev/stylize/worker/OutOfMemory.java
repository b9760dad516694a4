package dev.stylize.worker;

import java.util.Locale;

/** Recognises an allocation failure, in the JVM or in libtorch (CUDA or host), which no retry can cure. */
final class OutOfMemory {
    private OutOfMemory() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // "CUDA out of memory. Tried to allocate …", "DefaultCPUAllocator: can't allocate memory: …"
            if (message.contains("out of memory") || message.contains("can't allocate memory")) {
                return true;
            }
        }
        return false;
    }
}
