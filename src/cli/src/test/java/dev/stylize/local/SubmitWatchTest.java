package dev.stylize.local;

import dev.stylize.cli.Stylize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
    private static final String PHOTO = TestStack.HOME.resolve("docs/examples/harbour.png").toString();
    private static TestStack t;
    private static WorkerProcess worker;

    @BeforeAll
    static void start() throws IOException {
        t = new TestStack("watch").startFunctions(o -> o.environment("IntakeFunction",
                Map.of("STYLIZE_DEFAULTS_STEPS", String.valueOf(STEPS), "STYLIZE_DEFAULTS_MAX_SIZE", "64")));
        worker = WorkerProcess.start(t.workerEnv());
    }

    @AfterAll
    static void stop() {
        worker.close();
        t.close();
    }

    /** One {@code bin/stylize} command: its exit code, what it printed and what it said on stderr. */
    private record Run(int code, String out, String err) {
    }

    private static Run stylize(String... args) {
        CommandLine cli = Stylize.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void watchingWithoutATerminalPrintsPlainLinesAndTheFinalStateOnceLast() throws IOException {
        Path results = Files.createTempDirectory("watch-");
        Run run = stylize("submit", "--content", PHOTO, "--style-name", "swirls", "--watch", "--bucket", t.stack.names().bucket(),
                "--topic-arn", t.topicArn(), "--endpoint", t.moto.endpoint().toString(), "--out", results.toString());
        assertEquals(0, run.code(), run.out() + "\n" + run.err() + "\n" + worker.log());

        List<String> progress = run.err().lines().toList();
        assertFalse(progress.isEmpty(), "progress lines while it ran: " + run.out());
        assertTrue(progress.stream().noneMatch(line -> line.contains("[") || line.contains("%")),
                "no progress-bar frames without a terminal:\n" + run.err());
        assertTrue(progress.stream().allMatch(line -> line.matches("harbour-\\S+: step \\d+(/" + STEPS + ")? (QUEUED|RUNNING).*")),
                "each line names the job, the step and the state:\n" + run.err());
        assertTrue(progress.stream().anyMatch(line -> line.contains(" RUNNING")), "one says it runs:\n" + run.err());
        assertTrue(progress.stream().noneMatch(line -> line.contains("SUCCEEDED")), "the final state is not a progress line");
        List<String> outcomes = run.out().lines().filter(line -> line.startsWith("outcome:")).toList();
        assertEquals(List.of("outcome: SUCCEEDED"), outcomes, "the final state once:\n" + run.out());
    }

    @Test
    void throughTheApiTheSameJobIsFollowedToItsResult() throws IOException {
        Path results = Files.createTempDirectory("watch-api-");
        String api = t.lambda.api().orElseThrow().toString();
        Run run = stylize("submit", "--api", api, "--content", PHOTO, "--style-name", "swirls", "--watch",
                "--out", results.toString(), "--steps", String.valueOf(STEPS), "--max-size", "48", "--format", "jpeg");
        assertEquals(0, run.code(), run.out() + "\n" + run.err() + "\n" + worker.log() + t.functionLogs());
        assertTrue(run.out().contains("photo uploaded: HTTP 200"), run.out());
        assertTrue(run.err().lines().anyMatch(line -> line.matches("\\S+: step \\d+(/" + STEPS + ")? RUNNING.*")),
                "progress from GET /jobs/{jobId}:\n" + run.err());
        assertEquals(List.of("outcome: SUCCEEDED"), run.out().lines().filter(line -> line.startsWith("outcome:")).toList());
        try (var saved = Files.list(results)) {
            assertEquals(1, saved.filter(f -> f.toString().endsWith(".jpg")).count(), "the result as asked, from its presigned URL");
        }

        Run refused = stylize("submit", "--api", api, "--content", PHOTO, "--style-name", "monet");
        assertEquals(2, refused.code(), "refused with the API's reason (exit code 2, invalid input): " + refused.err());
        assertTrue(refused.err().contains("style 'monet' not found"), refused.err());
        assertEquals(2, stylize("submit", "--content", PHOTO, "--style-name", "swirls", "--max-size", "64").code(),
                "options go with --api");
    }
}
