package dev.stylize.jobs.telemetry;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JobLoggingTest {

    @Test
    void workHandedToAnotherThreadNamesTheJobThatHandedItAndThatThreadForgetsItAfterwards() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Runnable task;
            Supplier<String> read;
            try (JobLogging.Scope ignored = JobLogging.forJob("job-a")) {
                String[] seen = new String[1];
                task = JobLogging.carried(() -> {
                    seen[0] = JobLogging.currentJobId();
                });
                read = JobLogging.carried(JobLogging::currentJobId);
                other.submit(task).get();
                assertEquals("job-a", seen[0]);
            }
            assertNull(JobLogging.currentJobId(), "the handing thread's scope has closed");
            assertEquals("job-a", CompletableFuture.supplyAsync(read, other).get(), "carried when it was made, not when it runs");
            assertNull(other.submit(JobLogging::currentJobId).get(), "the other thread names no job after the task");
        } finally {
            other.shutdownNow();
        }
    }
}
