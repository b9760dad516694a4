package dev.stylize.local;

import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.testing.Examples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * 50 photos dropped into the inbox, taken in by the intake package (function.zip under the
 * runtime interface client, one asynchronous invocation per S3 event), run on 3 worker
 * processes and announced by the notifier package: every upload is one job that ends SUCCEEDED
 * exactly once, with exactly one completion event. Prints the
 * throughput and each worker's resident memory sampled across the run (also written to
 * target/load-report.txt); those are measurements, not assertions.
 */
class LoadTest {
    private static final int JOBS = 50;
    private static final int WORKERS = 3;

    @Test
    void fiftyJobsOnThreeWorkersEachEndSucceededExactlyOnce() throws IOException {
        try (TestStack t = new TestStack("load").startFunctions(o -> o.environment("IntakeFunction",
                TestStack.smallIntakeDefaults(5)))) {
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int i = 0; i < WORKERS; i++) {
                    workers.add(WorkerProcess.start(t.workerEnv()));
                }
                List<List<Long>> rss = new ArrayList<>();
                workers.forEach(w -> rss.add(new ArrayList<>()));
                Instant start = Instant.now();
                byte[] photo = Examples.bytes(Examples.PHOTO);
                List<String> names = IntStream.range(0, JOBS).mapToObj(i -> String.format(Locale.ROOT, "load-%02d", i)).toList();
                names.forEach(name -> t.store.write("inbox/swirls/" + name + ".png", photo, "image/png"));

                TestStack.await("all jobs", () -> {
                    for (int i = 0; i < workers.size(); i++) {
                        rss.get(i).add(residentMiB(workers.get(i).pid()));
                    }
                    TestStack.sleep(Duration.ofMillis(800));
                    return names.stream().allMatch(name -> t.jobs(name + "-").stream().anyMatch(id -> t.outcome(id).isPresent()));
                }, Duration.ofMinutes(5), () -> workers.get(0).log() + t.functionLogs());
                Duration took = Duration.between(start, Instant.now());
                List<String> ids = names.stream().map(name -> {
                    List<String> jobs = t.jobs(name + "-");
                    assertEquals(1, jobs.size(), "one job for " + name + ": " + jobs);
                    return jobs.get(0);
                }).toList();

                String logs = workers.stream().map(WorkerProcess::log).reduce("", String::concat);
                for (String id : ids) {
                    Outcome outcome = t.outcome(id).orElseThrow();
                    assertEquals(JobState.SUCCEEDED, outcome.status(), id + ": " + outcome.reason());
                    assertEquals(1, TestStack.count(logs, "job " + id + " SUCCEEDED"), id + " succeeded once");
                }
                assertEquals(0, t.messages(t.deadLetterQueueUrl(), "ApproximateNumberOfMessages"));
                TestStack.await("every completion event", () -> ids.stream().allMatch(id -> !t.events(id).isEmpty()),
                        Duration.ofSeconds(60), t::functionLogs);
                TestStack.sleep(Duration.ofSeconds(2));
                for (String id : ids) {
                    assertEquals(1, t.events(id).size(), "one event for " + id);
                }
                assertEquals(0, t.messages(t.failedEventsUrl(), "ApproximateNumberOfMessages"), "no event failed");

                StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                        "load: %d jobs on %d workers in %.1f s = %.1f jobs/min%n", JOBS, WORKERS, took.toMillis() / 1000.0,
                        JOBS * 60_000.0 / took.toMillis()));
                for (int i = 0; i < workers.size(); i++) {
                    List<Long> samples = rss.get(i);
                    report.append(String.format(Locale.ROOT, "worker %d: %d jobs, RSS MiB first %d, mid %d, last %d, max %d%n",
                            i + 1, TestStack.count(workers.get(i).log(), "SUCCEEDED: "), samples.get(0), samples.get(samples.size() / 2),
                            samples.get(samples.size() - 1), samples.stream().mapToLong(Long::longValue).max().orElse(0)));
                }
                System.out.print(report);
                Files.writeString(Path.of("target/load-report.txt"), report);
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }

    private static long residentMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // process gone or not Linux
        }
        return -1;
    }
}
