package dev.stylize.local;

import dev.stylize.cli.Stylize;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/stylize submit --watch} with its output going to a file or a pipe (as in CI, or
 * {@code | tee}): plain progress lines instead of a progress bar's frames, and the final state said
 * once, last, by the {@code outcome:} line. The whole path: the photo dropped in the inbox, the
 * intake's package, the worker process, the completion event.
 */
class SubmitWatchTest {
    private static final int STEPS = 30;

    @Test
    void watchingWithoutATerminalPrintsPlainLinesAndTheFinalStateOnceLast() throws IOException {
        try (TestStack t = new TestStack("watch").startFunctions(o -> o.environment("IntakeFunction",
                Map.of("STYLIZE_DEFAULTS_STEPS", String.valueOf(STEPS), "STYLIZE_DEFAULTS_MAX_SIZE", "64")));
             WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            CommandLine cli = Stylize.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            Path results = Files.createTempDirectory("watch-");
            int code = cli.execute("submit", "--content", TestStack.HOME.resolve("docs/examples/harbour.png").toString(),
                    "--style-name", "swirls", "--watch", "--bucket", t.stack.names().bucket(), "--topic-arn", t.topicArn(),
                    "--endpoint", t.moto.endpoint().toString(), "--out", results.toString());
            assertEquals(0, code, out + "\n" + err + "\n" + worker.log());

            List<String> progress = err.toString().lines().toList();
            assertFalse(progress.isEmpty(), "progress lines while it ran: " + out);
            assertTrue(progress.stream().noneMatch(line -> line.contains("[") || line.contains("%")),
                    "no progress-bar frames without a terminal:\n" + err);
            assertTrue(progress.stream().allMatch(line -> line.matches("harbour-\\S+: step \\d+(/" + STEPS + ")? (QUEUED|RUNNING).*")),
                    "each line names the job, the step and the state:\n" + err);
            assertTrue(progress.stream().anyMatch(line -> line.contains(" RUNNING")), "one says it runs:\n" + err);
            assertTrue(progress.stream().noneMatch(line -> line.contains("SUCCEEDED")), "the final state is not a progress line");
            List<String> outcomes = out.toString().lines().filter(line -> line.startsWith("outcome:")).toList();
            assertEquals(List.of("outcome: SUCCEEDED"), outcomes, "the final state once:\n" + out);
        }
    }

    @Test
    void throughTheApiTheSameJobIsFollowedToItsResult() throws IOException {
        try (TestStack t = new TestStack("watch-api").startFunctions(o -> o.environment("IntakeFunction",
                Map.of("STYLIZE_DEFAULTS_STEPS", String.valueOf(STEPS), "STYLIZE_DEFAULTS_MAX_SIZE", "64")));
             WorkerProcess worker = WorkerProcess.start(t.workerEnv())) {
            CommandLine cli = Stylize.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            Path results = Files.createTempDirectory("watch-api-");
            int code = cli.execute("submit", "--api", t.lambda.api().orElseThrow().toString(), "--content",
                    TestStack.HOME.resolve("docs/examples/harbour.png").toString(), "--style-name", "swirls", "--watch",
                    "--out", results.toString(), "--steps", String.valueOf(STEPS), "--max-size", "48", "--format", "jpeg");
            assertEquals(0, code, out + "\n" + err + "\n" + worker.log() + t.functionLogs());
            assertTrue(out.toString().contains("photo uploaded: HTTP 200"), out.toString());
            assertTrue(err.toString().lines().anyMatch(line -> line.matches("\\S+: step \\d+(/" + STEPS + ")? RUNNING.*")),
                    "progress from GET /jobs/{jobId}:\n" + err);
            assertEquals(List.of("outcome: SUCCEEDED"), out.toString().lines().filter(line -> line.startsWith("outcome:")).toList());
            try (var saved = Files.list(results)) {
                assertEquals(1, saved.filter(f -> f.toString().endsWith(".jpg")).count(), "the result as asked, from its presigned URL");
            }

            code = cli.execute("submit", "--api", t.lambda.api().orElseThrow().toString(), "--content",
                    TestStack.HOME.resolve("docs/examples/harbour.png").toString(), "--style-name", "monet");
            assertEquals(2, code, "refused with the API's reason (exit code 2, invalid input): " + err);
            assertTrue(err.toString().contains("style 'monet' not found"), err.toString());
            code = cli.execute("submit", "--content", TestStack.HOME.resolve("docs/examples/harbour.png").toString(),
                    "--style-name", "swirls", "--max-size", "64");
            assertEquals(2, code, "options go with --api: " + err);
        }
    }
}
