package dev.stylize.jobs;

/**
 * A checkpoint that cannot be resumed from: its state is gone, is not what was written, or does not
 * fit the job. A checkpoint is an optimisation: the job falls back to an older one, or starts over.
 */
public class UnusableCheckpointException extends RuntimeException {
    private final Checkpoint checkpoint;

    public UnusableCheckpointException(Checkpoint checkpoint, String why) {
        this(checkpoint, why, null);
    }

    public UnusableCheckpointException(Checkpoint checkpoint, String why, Throwable cause) {
        super("the checkpoint at step " + checkpoint.step() + " could not be used: " + why, cause);
        this.checkpoint = checkpoint;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }
}
