package dev.stylize.plan;

import java.util.regex.Pattern;

/**
 * The caller's input cannot be used: not an image, too many pixels, an option out of bounds.
 * The message is written for the person who supplied the input and says what to change.
 */
public class InvalidInputException extends RuntimeException {
    /** A Java class name (java.io.Foo) or an exception's simple name: not words for a person, never in a message. */
    public static final Pattern JAVA_NAMES =
            Pattern.compile("\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.[A-Z]\\w*|\\w+(Exception|Error)\\b");


    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
