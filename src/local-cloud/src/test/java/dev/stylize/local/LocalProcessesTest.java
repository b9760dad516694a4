package dev.stylize.local;

import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** An emulator the stack did not start (infra/README's Docker path, or moto by hand): said so, and left running. */
class LocalProcessesTest {
    /** A port nothing listens on. */
    private static final URI NOTHING = URI.create("http://127.0.0.1:9");

    @TempDir
    Path state;

    @Test
    void anEmulatorStartedByHandIsReportedAsSuchAndLeftRunningByDown() {
        try (MotoServer byHand = MotoServer.start()) {
            LocalProcesses processes = new LocalProcesses(TestStack.HOME, state, byHand.endpoint());
            String status = run(processes::describe);
            assertTrue(status.contains("emulator  answering at " + byHand.endpoint() + ", not started by bin/stylize"), status);
            assertTrue(processes.isRunning("emulator"));

            String down = run(processes::stopAll);
            assertTrue(down.contains("emulator: the one answering at " + byHand.endpoint()
                    + " was not started by bin/stylize: left running"), down);
            assertTrue(processes.isRunning("emulator"), "still answering after local down");
        }
        LocalProcesses none = new LocalProcesses(TestStack.HOME, state, NOTHING);
        assertTrue(run(none::describe).contains("emulator  not running"));
    }

    private static String run(Consumer<PrintWriter> command) {
        StringWriter text = new StringWriter();
        command.accept(new PrintWriter(text, true));
        return text.toString();
    }
}
