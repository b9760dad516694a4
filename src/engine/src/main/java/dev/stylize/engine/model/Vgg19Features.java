package dev.stylize.engine.model;

import dev.stylize.plan.VggLayer;
import dev.stylize.plan.Pooling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * VGG19's frozen feature part as plain functions of the weights: no Block, so nothing asks
 * for parameter gradients (freezing Block parameters costs ~35% per step on DJL). In
 * {@link Precision#BF16} the convolutions run in bfloat16 ({@link Bf16Convolutions}); close
 * this to free their bf16 copy of the weights.
 */
public final class Vgg19Features implements AutoCloseable {
    private static final Shape UNIT = new Shape(1, 1);
    private static final Shape POOL = new Shape(2, 2);
    private static final Shape NO_PAD = new Shape(0, 0);

    private final Vgg19Weights weights;
    private final Pooling pooling;
    private final Bf16Convolutions bf16;

    public Vgg19Features(Vgg19Weights weights, Pooling pooling) {
        this(weights, pooling, Precision.FP32);
    }

    public Vgg19Features(Vgg19Weights weights, Pooling pooling, Precision precision) {
        this.weights = weights;
        this.pooling = pooling;
        this.bf16 = precision == Precision.BF16 ? new Bf16Convolutions(weights, pooling) : null;
    }

    public Vgg19Weights weights() {
        return weights;
    }

    /**
     * Runs the network only as deep as the deepest tap.
     *
     * @param image (1, 3, H, W), ImageNet-normalised
     * @return post-ReLU activations (1, C, H/2^k, W/2^k) for each tap
     */
    public Map<VggLayer, NDArray> extract(NDArray image, Set<VggLayer> taps) {
        if (bf16 != null) {
            return bf16.extract(image, taps);
        }
        VggLayer deepest = Collections.max(taps);
        Map<VggLayer, NDArray> out = new EnumMap<>(VggLayer.class);
        NDArray x = image;
        boolean keep = true; // the caller's image, then each tap, outlives this method
        for (VggLayer layer : VggLayer.values()) {
            NDArray conv = Conv2d.conv2d(x, weights.kernels().get(layer), weights.biases().get(layer), UNIT, UNIT).head();
            // DJL keeps every array until its manager closes, which would hold all activations
            // twice; autograd holds its own reference to what the backward pass needs, so
            // closing ours as soon as the next layer has consumed it is safe.
            if (!keep) {
                x.close();
            }
            x = Activation.relu(conv);
            conv.close();
            keep = taps.contains(layer);
            if (keep) {
                out.put(layer, x);
            }
            if (layer == deepest) {
                break;
            }
            if (layer.poolsAfter()) {
                NDArray pooled = pooling == Pooling.MAX
                        ? Pool.maxPool2d(x, POOL, POOL, NO_PAD, false)
                        : Pool.avgPool2d(x, POOL, POOL, NO_PAD, false, true);
                if (!keep) {
                    x.close();
                }
                x = pooled;
                keep = false;
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (bf16 != null) {
            bf16.close();
        }
    }
}
