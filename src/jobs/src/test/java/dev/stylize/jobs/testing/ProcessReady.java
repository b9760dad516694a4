package dev.stylize.jobs.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Waits for a process the tests started to answer on its HTTP address, or says why it did not. */
public final class ProcessReady {
    private ProcessReady() {
    }

    /**
     * @param ready answers below 500 (or exactly 200 when {@code strict}) mean the process is ready
     * @param log   the process's output, quoted when it exits or never answers
     */
    public static void await(String name, Process process, URI ready, boolean strict, Path log, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + read(log));
            }
            try {
                HttpURLConnection c = (HttpURLConnection) ready.toURL().openConnection();
                c.setConnectTimeout(500);
                int code = c.getResponseCode();
                if (strict ? code == 200 : code < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ": " + read(log));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
