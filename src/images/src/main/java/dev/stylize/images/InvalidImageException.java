package dev.stylize.images;

import dev.stylize.plan.InvalidInputException;

import java.io.EOFException;

/**
 * An upload is not an image this service can use: empty, not an image, damaged, truncated,
 * or declaring more pixels than allowed. The message says which, for the person who sent it.
 * Input the user must change, like every {@link InvalidInputException}; its own type lets the
 * worker tell a bad photo (the upload: rejected) from a bad painting (the library: failed).
 */
public class InvalidImageException extends InvalidInputException {
    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * What a reader's exception says went wrong, when it says it in words; readers' own bugs
     * (a failed cast, a null) and silent end-of-data exceptions get a plain sentence instead.
     */
    static String reason(Exception e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank() && !InvalidInputException.JAVA_NAMES.matcher(message).find()) {
            return message;
        }
        return e instanceof EOFException ? "the data ends early" : "the data cannot be decoded";
    }
}
