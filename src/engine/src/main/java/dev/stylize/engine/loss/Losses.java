package dev.stylize.engine.loss;

import ai.djl.ndarray.NDArray;
import dev.stylize.plan.LossForm;

/**
 * The loss terms' ingredients as pure functions of feature maps (batch 1). Each term is a
 * constant times a sum of squares, so its gradient has a closed form: the content term
 * {@code c·Σ(T−C)²} has {@code 2c·(T−C)}; a style layer's {@code c·Σ(G−A)²}, with the Gram
 * matrix G = F Fᵀ of the activations F as a (d, h*w) matrix, has {@code 4c·(G−A) F}.
 */
public final class Losses {
    /** The content term c·Σ(T−C)² has the gradient this times c·(T−C). */
    public static final double CONTENT_GRADIENT = 2;
    /** A style layer's term c·Σ(G−A)² has the gradient this times c·(G−A)F. */
    public static final double STYLE_GRADIENT = 4;

    private Losses() {
    }

    /**
     * The content term is {@code contentScale · Σ(T−C)²}: SEED's mean over the elements, or
     * PAPER's one half.
     *
     * @param elements d*h*w of the whole image's activations
     */
    public static double contentScale(LossForm form, long elements) {
        return form == LossForm.SEED ? 1.0 / elements : 0.5;
    }

    /**
     * A style layer's term is {@code styleScale · Σ(G−A)²}: SEED's mean((G−A)²)/(d·h·w), or
     * PAPER's Σ(G−A)²/(4 N² M²).
     *
     * @param channels  d (N)
     * @param positions h*w (M) of the whole image's activations at that layer
     */
    public static double styleScale(LossForm form, long channels, long positions) {
        double d = channels;
        double m = positions;
        return form == LossForm.SEED ? 1.0 / (d * d * d * m) : 1.0 / (4.0 * d * d * m * m);
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
