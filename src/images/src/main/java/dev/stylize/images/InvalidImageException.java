package dev.stylize.images;

/**
 * An upload is not an image this service can use: empty, not an image, damaged, truncated,
 * or declaring more pixels than allowed. The message says which, for the person who sent it.
 */
public class InvalidImageException extends RuntimeException {
    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
