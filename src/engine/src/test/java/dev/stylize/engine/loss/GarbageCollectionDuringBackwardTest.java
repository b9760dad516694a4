package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.stylize.engine.tensor.Scalars;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Everything the backward pass reads must stay alive until it has run. DJL frees the scalar
 * of {@code mul(Number)} right after the forward op; if the garbage collector then reclaims
 * it and the memory is reused, backward reads garbage. Here the collector runs and the
 * freed memory is overwritten between forward and backward of a weighted term (as the
 * total-variation term is weighted): the gradient must not change.
 */
class GarbageCollectionDuringBackwardTest {

    @Test
    void theGradientIsTheSameWhenMemoryIsReclaimedBeforeBackward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.randomUniform(-1, 1, new Shape(1, 3, 24, 24));
            float[] quiet = gradient(image, false);
            float[] collected = gradient(image, true);
            assertArrayEquals(quiet, collected);
        }
    }

    private static float[] gradient(NDArray image, boolean collectBeforeBackward) {
        try (NDManager scope = image.getManager().newSubManager()) {
            NDArray x = image.duplicate();
            x.attach(scope);
            x.setRequiresGradient(true);
            List<ByteBuffer> reuse;
            try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
                NDArray total = Scalars.times(Losses.totalVariation(x), 0.5);
                reuse = collectBeforeBackward ? reclaimAndOverwrite() : List.of();
                collector.backward(total);
            }
            reuse.size(); // the overwriting buffers stay alive until backward has run
            return x.getGradient().toFloatArray();
        }
    }

    /** Runs the collector (and the cleaners freeing direct buffers), then fills small freed blocks with NaN. */
    private static List<ByteBuffer> reclaimAndOverwrite() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            b.putFloat(0, Float.NaN).putFloat(4, Float.NaN);
            buffers.add(b);
        }
        return buffers;
    }
}
