package dev.stylize.engine.model;

import dev.stylize.plan.VggLayer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Seeded Kaiming-normal VGG19 weights, for tests and demos where ImageNet weights cannot be
 * downloaded. Written in the same safetensors layout as real weights, plus a marker tensor
 * so every run on them can say so. {@link SplittableRandom}'s sequence is specified by the
 * JDK, so a seed gives byte-identical files on every machine.
 */
public final class SyntheticWeights {
    private SyntheticWeights() {
    }

    /** Kaiming normal (fan-out, ReLU gain) as torchvision initialises VGG; biases zero. */
    public static NDList generate(NDManager manager, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        NDList list = new NDList();
        for (VggLayer layer : VggLayer.values()) {
            int fanOut = layer.outChannels() * 9;
            double std = Math.sqrt(2.0 / fanOut);
            float[] kernel = new float[layer.outChannels() * layer.inChannels() * 9];
            for (int i = 0; i < kernel.length; i++) {
                kernel[i] = (float) (gaussian(random) * std);
            }
            NDArray w = manager.create(kernel, new Shape(layer.outChannels(), layer.inChannels(), 3, 3));
            w.setName(layer.weightKey());
            NDArray b = manager.zeros(new Shape(layer.outChannels()));
            b.setName(layer.biasKey());
            list.add(w);
            list.add(b);
        }
        NDArray marker = manager.create(new float[] {seed});
        marker.setName(Vgg19Weights.SYNTHETIC_MARKER);
        list.add(marker);
        return list;
    }

    public static void write(NDManager manager, long seed, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (NDManager scope = manager.newSubManager(); OutputStream out = Files.newOutputStream(file)) {
            generate(scope, seed).encode(out, NDList.Encoding.SAFETENSORS);
        }
    }

    /** Box-Muller on two uniforms: portable, unlike {@code Random.nextGaussian}'s caching. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }
}
