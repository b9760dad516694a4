package dev.stylize.images;

import java.lang.management.ManagementFactory;

/** Bytes of heap the current thread allocates while running something (the JVM counts them exactly). */
final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** What {@code task} allocated, whether it returned or threw. */
    static long of(Runnable task) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            task.run();
        } catch (RuntimeException e) {
            // the caller asserts on the outcome separately; here only the allocation counts
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
