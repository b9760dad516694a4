package dev.stylize.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Reads of a job's records made side by side: each is a round trip to S3, and those a job's start
 * needs do not depend on one another, so none need wait for the one before.
 */
final class RecordReads {
    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("job-records").daemon().factory());

    /** Starts {@code read} now, on a thread of its own. */
    <T> CompletableFuture<T> start(Supplier<T> read) {
        return CompletableFuture.supplyAsync(read, threads);
    }

    /** What a read on another thread gave, or the error it threw there, as it threw it. */
    static <T> T result(CompletableFuture<T> read) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException error) {
                throw error;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
