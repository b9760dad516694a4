package dev.stylize.images;

import java.io.EOFException;

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

    /** What a reader's exception says went wrong, in words: some readers throw without a message. */
    static String reason(Exception e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        return e instanceof EOFException ? "the data ends early" : "the data cannot be decoded";
    }
}
