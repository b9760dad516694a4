package dev.stylize.local;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.LegacyCheckpointWriter;
import dev.stylize.engine.model.TorchvisionVgg19;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.Outcome;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged worker without STYLIZE_WEIGHTS, on the weights 'weights fetch' installed in its
 * cache, and given 4 MiB for a job (STYLIZE_AVAILABLE_MEMORY_MIB): it says which weights it
 * uses, and a 48 px job is refused before it starts, naming the largest size that fits.
 */
class WorkerMemoryAndWeightsTest {
    @Test
    void theWorkerUsesFetchedWeightsAndRefusesAJobTooLargeForItsMemory() throws IOException {
        try (TestStack t = new TestStack("memory")) {
            Map<String, String> env = t.workerEnv();
            env.remove("STYLIZE_WEIGHTS");
            env.remove("STYLIZE_WEIGHTS_SHA256");
            env.put("STYLIZE_AVAILABLE_MEMORY_MIB", "4");
            Path cache = Path.of(env.get("STYLIZE_CACHE_DIR"));
            Path checkpoint = Files.createTempFile("vgg19-", ".pth");
            try (NDManager manager = NDManager.newBaseManager()) {
                LegacyCheckpointWriter.vgg19(manager, 9, checkpoint);
                String sha256 = WeightsSource.digest(checkpoint);
                TorchvisionVgg19.install(checkpoint, "vgg19-" + sha256.substring(0, 8) + ".pth", "a test mirror", sha256,
                        cache, manager);
            } finally {
                Files.deleteIfExists(checkpoint);
            }
            try (WorkerProcess worker = WorkerProcess.start(env)) {
                Job job = t.submit("large", "uploads/harbour.png", "styles/swirls.png", TestStack.small(5, 10), 1);
                Outcome outcome = t.awaitOutcome(job.jobId(), Duration.ofSeconds(60), worker::log);
                assertEquals(JobState.FAILED, outcome.status());
                assertTrue(outcome.reason().matches("a 48 px result needs about \\d+ MiB of host memory but 4 MiB is "
                        + "free; the largest that fits is about \\d+ px on its longest side: resubmit with maxSize \\d+ or less"),
                        outcome.reason());
                assertEquals(List.of(), t.store.list("results/large/checkpoints/"), "never started");
                String log = worker.log();
                assertTrue(log.contains("weights: real (ImageNet, torchvision's VGG19"), log);
                assertTrue(log.contains("fetched from a test mirror"), log);
                assertTrue(log.contains("gpu: none visible to libtorch"), log);
                assertTrue(log.contains("memory: 4 MiB free now (STYLIZE_AVAILABLE_MEMORY_MIB)"), log);
                assertEquals(0, TestStack.count(log, "retrying"), "not retried");
            }
        }
    }
}
