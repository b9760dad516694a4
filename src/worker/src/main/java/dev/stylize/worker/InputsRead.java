package dev.stylize.worker;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A job's photo and paintings, downloaded beside the checks of its records (the lease, whether it
 * ended, expired or was cancelled, its attempt), so that the S3 round trips of both overlap
 * instead of adding up. Only the bytes: they are decoded on the job's own thread once its attempt
 * is on record, so that an image that brings the process down counts as the job's interruption.
 * Closing it drops a download the job did not use, when it ends (the bytes are bounded by the
 * deployment's upload limit).
 */
final class InputsRead implements AutoCloseable {
    /** Nothing read ahead: {@link #get} fails (a runner that reads nothing never asks). */
    static final InputsRead NONE = new InputsRead(CompletableFuture.failedFuture(
            new IllegalStateException("no inputs were read for this job")));

    /** The photo's bytes and each painting's, in the job's order. */
    record Bytes(byte[] content, List<byte[]> styles) {
    }

    private final CompletableFuture<Bytes> read;

    private InputsRead(CompletableFuture<Bytes> read) {
        this.read = read;
    }

    /** Starts {@code read} among the job's other {@code reads}. */
    static InputsRead start(Supplier<Bytes> read, JobReads reads) {
        return new InputsRead(reads.start(read));
    }

    /** The bytes, once read; a read that failed throws here what reading them on this thread would have. */
    Bytes get() {
        try {
            return JobReads.result(read);
        } catch (CancellationException e) {
            throw new IllegalStateException("the read of this job's inputs was dropped", e);
        }
    }

    @Override
    public void close() {
        read.cancel(false);
    }
}
