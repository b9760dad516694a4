package dev.stylize.engine.model;

/** VGG19 weights could not be fetched, verified or understood. */
public class WeightsException extends RuntimeException {
    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
