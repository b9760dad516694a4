package dev.stylize.worker;

import dev.stylize.jobs.telemetry.JobLogging;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The reads a job's start needs (its records, its inputs), made side by side on threads of their
 * own: each is a round trip to S3, and none depends on another, so none need wait for the one
 * before. A read's log lines carry the job of the thread that started it.
 */
final class JobReads {
    private final ExecutorService threads = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("job-reads").daemon().factory());

    /** Starts {@code read} now, on a thread of its own. */
    <T> CompletableFuture<T> start(Supplier<T> read) {
        return CompletableFuture.supplyAsync(JobLogging.carried(read), threads);
    }

    /**
     * Whether {@code read} has answered true, without waiting for it: false until it has answered,
     * and false if it failed (the checks that follow, and the ledger's rules, still hold then).
     */
    static BooleanSupplier onceTrue(CompletableFuture<Boolean> read) {
        return () -> read.isDone() && !read.isCompletedExceptionally() && read.join();
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
