package dev.stylize.engine;

import ai.djl.ndarray.NDManager;
import dev.stylize.plan.Pooling;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Generated weights (seed 7) written once per test JVM, loaded through the real file path. */
public final class TestWeights {
    public static final long SEED = 7;
    private static final NDManager MANAGER = NDManager.newBaseManager();
    private static Path file;
    private static Vgg19Weights weights;

    private TestWeights() {
    }

    public static synchronized Path file() {
        if (file == null) {
            try {
                Path f = Files.createTempFile("vgg19-seed7-", ".safetensors");
                f.toFile().deleteOnExit();
                SyntheticWeights.write(MANAGER, SEED, f);
                file = f;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    public static synchronized Vgg19Weights weights() {
        if (weights == null) {
            try {
                weights = Vgg19Weights.load(MANAGER, file());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return weights;
    }

    public static Vgg19Features vgg(Pooling pooling) {
        return new Vgg19Features(weights(), pooling, Precision.FP32);
    }
}
