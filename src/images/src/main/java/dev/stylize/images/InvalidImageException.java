package dev.stylize.images;

import java.io.EOFException;
import java.util.regex.Pattern;

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

    /** A Java class name (java.io.Foo) or an exception's simple name: not words for a person. */
    private static final Pattern CLASS_NAME =
            Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.[A-Z]\\w*|\\w+(Exception|Error)\\b");

    /**
     * What a reader's exception says went wrong, when it says it in words; readers' own bugs
     * (a failed cast, a null) and silent end-of-data exceptions get a plain sentence instead.
     */
    static String reason(Exception e) {
        String message = e.getMessage();
        if (message != null && !message.isBlank() && !CLASS_NAME.matcher(message).find()) {
            return message;
        }
        return e instanceof EOFException ? "the data ends early" : "the data cannot be decoded";
    }
}
