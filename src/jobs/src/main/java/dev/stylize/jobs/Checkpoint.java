package dev.stylize.jobs;

/**
 * A checkpoint as the worker recorded it when it wrote it, in {@code results/<jobId>/checkpoints.json}:
 * which step, and the digest and length of its state, so a state is trusted only if it is still
 * exactly what was written.
 */
public record Checkpoint(int step, String sha256, long bytes) {
}
