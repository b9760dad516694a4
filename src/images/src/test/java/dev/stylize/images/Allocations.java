package dev.stylize.images;

import java.lang.management.ManagementFactory;

/** Bytes of heap the current thread allocates while running something (the JVM counts them exactly). */
final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** What {@code task} allocated; what it throws propagates. */
    static long measure(Runnable task) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        task.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
