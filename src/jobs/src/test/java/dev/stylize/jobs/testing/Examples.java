package dev.stylize.jobs.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The example photo and painting that ship with the project (docs/examples), as every module's tests find them. */
public final class Examples {
    public static final Path DIRECTORY = Path.of("../../docs/examples");
    /** 384x256. */
    public static final Path PHOTO = DIRECTORY.resolve("harbour.png");
    public static final Path STYLE = DIRECTORY.resolve("swirls.png");

    private Examples() {
    }

    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
