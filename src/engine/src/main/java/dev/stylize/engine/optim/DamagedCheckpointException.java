package dev.stylize.engine.optim;

/**
 * A run's saved state cannot be resumed from: its bytes are not a snapshot, or it is from another
 * image, schedule or optimiser. Not the user's input: the caller falls back to an older checkpoint
 * or starts over (the worker), or says which file is unusable (the command line).
 */
public class DamagedCheckpointException extends RuntimeException {
    public DamagedCheckpointException(String message) {
        super(message);
    }

    public DamagedCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
