package dev.stylize.engine.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.stylize.plan.VggLayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Installing torchvision's VGG19 from a checkpoint with its full layout (written here in the
 * legacy format the real file uses, with generated values), the digest checks before anything
 * reaches the cache, and the cache's own check.
 */
class TorchvisionVgg19Test {
    private final NDManager manager = NDManager.newBaseManager();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        manager.close();
    }

    private Path fullCheckpoint() throws IOException {
        return LegacyCheckpointWriter.vgg19(manager, 3, dir.resolve("vgg19-full.pth"));
    }

    @Test
    void installsAFullLayoutCheckpointThatTheEngineLoadsAsRealWeights() throws IOException {
        Path checkpoint = fullCheckpoint();
        String sha256 = WeightsSource.digest(checkpoint);
        Path cache = dir.resolve("cache");
        TorchvisionVgg19.Installed installed = TorchvisionVgg19.install(checkpoint, "vgg19-" + sha256.substring(0, 8) + ".pth",
                "test checkpoint", sha256, cache, manager);
        assertEquals(cache.resolve(TorchvisionVgg19.CACHE_FILE), installed.file());
        assertEquals(installed, TorchvisionVgg19.cached(cache).orElseThrow(), "found again, its digest checked");

        Vgg19Weights weights = Vgg19Weights.load(manager, installed.file());
        assertFalse(weights.synthetic(), "converted weights are real weights, not marked generated");
        NDList generated = SyntheticWeights.generate(manager, 3);
        for (VggLayer layer : VggLayer.values()) {
            assertArrayEquals(generated.get(layer.weightKey()).toFloatArray(), weights.kernels().get(layer).toFloatArray(),
                    layer.weightKey());
            assertArrayEquals(generated.get(layer.biasKey()).toFloatArray(), weights.biases().get(layer).toFloatArray());
        }
        try (var files = Files.list(cache)) {
            assertEquals(2, files.count(), "the weights and their record; no partial files");
        }
    }

    @Test
    void aDigestThatDiffersIsRefusedAndNothingReachesTheCache() throws IOException {
        Path checkpoint = Files.write(dir.resolve("vgg19-dcbb9e9d.pth"), new byte[] {1, 2, 3});
        Path cache = dir.resolve("cache");
        WeightsException named = assertThrows(WeightsException.class, () -> TorchvisionVgg19.install(checkpoint,
                "vgg19-dcbb9e9d.pth", "the mirror", TorchvisionVgg19.SHA256, cache, manager));
        assertTrue(named.getMessage().startsWith("the mirror has sha256 " + WeightsSource.digest(checkpoint)
                + ", which does not start with dcbb9e9d as its name vgg19-dcbb9e9d.pth says"), named.getMessage());

        WeightsException whole = assertThrows(WeightsException.class, () -> TorchvisionVgg19.install(checkpoint,
                "weights.pth", "the mirror", TorchvisionVgg19.SHA256, cache, manager));
        assertTrue(whole.getMessage().endsWith(", expected " + TorchvisionVgg19.SHA256
                + ": not the published weights; nothing was installed"), whole.getMessage());
        assertFalse(Files.exists(cache), "nothing written");
        assertTrue(TorchvisionVgg19.cached(cache).isEmpty());
    }

    @Test
    void cachedWeightsThatChangedAreRefused() throws IOException {
        Path checkpoint = fullCheckpoint();
        String sha256 = WeightsSource.digest(checkpoint);
        Path cache = dir.resolve("cache");
        Path file = TorchvisionVgg19.install(checkpoint, "vgg19.pth", "test", sha256, cache, manager).file();
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        WeightsException e = assertThrows(WeightsException.class, () -> TorchvisionVgg19.cached(cache));
        assertTrue(e.getMessage().endsWith("it was changed or damaged; run 'bin/stylize weights fetch' again"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherNetworkIsRefusedByTheMissingLayer() throws IOException {
        Path tiny = dir.resolve("tiny.pth");
        try (var in = getClass().getResourceAsStream("checkpoints/tiny-vgg-zip.pth")) {
            Files.copy(in, tiny);
        }
        WeightsException e = assertThrows(WeightsException.class,
                () -> TorchvisionVgg19.convert(tiny, dir.resolve("out.safetensors"), manager));
        assertTrue(e.getMessage().endsWith("'features.0.weight' has shape [2, 3, 3, 3], expected [64, 3, 3, 3]: "
                + "not torchvision's VGG19"), e.getMessage());
    }
}
