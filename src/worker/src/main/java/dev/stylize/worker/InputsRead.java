package dev.stylize.worker;

import dev.stylize.engine.StyleInputs;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A job's photo and paintings, read and decoded beside the checks of its records (the lease,
 * whether it ended, expired or was cancelled, its attempt): the S3 round trips of both overlap
 * instead of adding up. Closing it drops a read the job never used.
 */
final class InputsRead implements AutoCloseable {
    /** No read ahead: {@link #get} is never asked (a runner that reads nothing). */
    static final InputsRead NONE = new InputsRead(CompletableFuture.failedFuture(
            new IllegalStateException("no inputs were read for this job")));

    private final CompletableFuture<StyleInputs> read;

    private InputsRead(CompletableFuture<StyleInputs> read) {
        this.read = read;
    }

    static InputsRead start(Supplier<StyleInputs> read, Executor executor) {
        return new InputsRead(CompletableFuture.supplyAsync(read, executor));
    }

    /** The inputs, once read; a read that failed throws here what reading them on this thread would have. */
    StyleInputs get() {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        } catch (CancellationException e) {
            throw new IllegalStateException("the read of this job's inputs was dropped", e);
        }
    }

    @Override
    public void close() {
        read.cancel(false);
    }
}
