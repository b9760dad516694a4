package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.stylize.engine.tensor.Scalars;
import dev.stylize.plan.LossForm;

/** The loss terms as pure functions of feature maps (batch 1). */
public final class Losses {
    private Losses() {
    }

    /**
     * Unnormalised Gram matrix G = F F^T, computed as P^T P with P = F^T of shape (h*w, d):
     * for the channels-last activations of bf16 precision P is a view, where F would be a copy
     * (measured 4-6% of a 512 px bf16 step); float32's channels-first maps cost the same either way.
     *
     * @param features (1, d, h, w)
     * @return (d, d)
     */
    public static NDArray gram(NDArray features) {
        Shape s = features.getShape();
        NDArray pixelsByChannel = features.transpose(0, 2, 3, 1).reshape(s.get(2) * s.get(3), s.get(1));
        return pixelsByChannel.transpose().matMul(pixelsByChannel);
    }

    /** @param target, content (1, d, h, w) activations of the image and of the photo */
    public static NDArray content(NDArray target, NDArray content, LossForm form) {
        NDArray squared = target.sub(content).square();
        return form == LossForm.SEED ? squared.mean() : Scalars.times(squared.sum(), 0.5);
    }

    /**
     * One style layer's term.
     *
     * @param targetFeatures (1, d, h, w) activations of the image
     * @param styleGram      (d, d) Gram matrix of the style at this layer
     */
    public static NDArray styleLayer(NDArray targetFeatures, NDArray styleGram, LossForm form) {
        Shape s = targetFeatures.getShape();
        double d = s.get(1);
        double m = (double) s.get(2) * s.get(3);
        NDArray diff = gram(targetFeatures).sub(styleGram).square();
        return form == LossForm.SEED
                ? Scalars.times(diff.mean(), 1.0 / (d * m))
                : Scalars.times(diff.sum(), 1.0 / (4.0 * d * d * m * m));
    }

    /**
     * Total variation: mean squared difference between horizontal and vertical neighbours,
     * so its weight does not depend on the image size.
     *
     * @param image (1, 3, H, W)
     */
    public static NDArray totalVariation(NDArray image) {
        NDArray dx = image.get(":, :, :, 1:").sub(image.get(":, :, :, :-1"));
        NDArray dy = image.get(":, :, 1:, :").sub(image.get(":, :, :-1, :"));
        return dx.square().mean().add(dy.square().mean());
    }
}
