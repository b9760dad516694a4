package dev.stylize.plan;

/**
 * The caller's input cannot be used: not an image, too many pixels, an option out of bounds.
 * The message is written for the person who supplied the input and says what to change.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
