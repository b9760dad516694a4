package dev.stylize.engine.model;

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
 * for parameter gradients (freezing Block parameters costs ~35% per step on DJL).
 */
public final class Vgg19Features {
    private static final Shape UNIT = new Shape(1, 1);
    private static final Shape POOL = new Shape(2, 2);
    private static final Shape NO_PAD = new Shape(0, 0);

    private final Vgg19Weights weights;
    private final Pooling pooling;

    public Vgg19Features(Vgg19Weights weights, Pooling pooling) {
        this.weights = weights;
        this.pooling = pooling;
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
        VggLayer deepest = Collections.max(taps);
        Map<VggLayer, NDArray> out = new EnumMap<>(VggLayer.class);
        NDArray x = image;
        for (VggLayer layer : VggLayer.values()) {
            NDArray conv = Conv2d.conv2d(x, weights.kernels().get(layer), weights.biases().get(layer), UNIT, UNIT).head();
            release(x, image, out);
            x = Activation.relu(conv);
            conv.close();
            if (taps.contains(layer)) {
                out.put(layer, x);
            }
            if (layer == deepest) {
                break;
            }
            if (layer.poolsAfter()) {
                NDArray pooled = pooling == Pooling.MAX
                        ? Pool.maxPool2d(x, POOL, POOL, NO_PAD, false)
                        : Pool.avgPool2d(x, POOL, POOL, NO_PAD, false, true);
                release(x, image, out);
                x = pooled;
            }
        }
        return out;
    }

    /**
     * Frees an intermediate activation as soon as the next layer has consumed it. DJL keeps
     * every array until its manager closes, which would hold all activations twice; autograd
     * keeps its own reference to whatever the backward pass needs, so closing ours is safe.
     */
    private static void release(NDArray x, NDArray image, Map<VggLayer, NDArray> taps) {
        if (x != image && !taps.containsValue(x)) {
            x.close();
        }
    }
}
