package dev.stylize.engine;

import dev.stylize.images.RgbImages;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.Scale;
import dev.stylize.plan.StylePlan;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The photo and the paintings: at full size as given, or {@link #sizedFor} one scale of a plan.
 *
 * @param content      the photo
 * @param styles       the paintings
 * @param styleWeights blend weight of each painting; only their ratios matter
 */
public record StyleInputs(BufferedImage content, List<BufferedImage> styles, List<Double> styleWeights) {

    public StyleInputs {
        if (styles.isEmpty() || styles.size() != styleWeights.size()) {
            throw new InvalidInputException("give one blend weight per style: " + styles.size() + " styles, "
                    + styleWeights.size() + " weights");
        }
        if (styleWeights.stream().anyMatch(w -> !Double.isFinite(w) || w < 0)
                || styleWeights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new InvalidInputException("style blend weights must be 0 or more and not all 0, got " + styleWeights);
        }
        styles = List.copyOf(styles);
        styleWeights = List.copyOf(styleWeights);
    }

    public StyleInputs(BufferedImage content, BufferedImage style) {
        this(content, List.of(style), List.of(1.0));
    }

    /**
     * The photo with its longest side at most the scale's size (never enlarged), and the
     * paintings sized from it: to its exact shape when the plan says so (the seed notebook), else
     * to its longest side, both times the plan's style scale.
     *
     * @throws InvalidInputException when a side would be too short for VGG19 (the plan refuses such
     *                               photos already; this guards callers that pass other images)
     */
    public StyleInputs sizedFor(StylePlan plan, Scale scale) {
        BufferedImage c = Math.max(content.getWidth(), content.getHeight()) > scale.size()
                ? RgbImages.fitLongestSide(content, scale.size())
                : content;
        if (Math.min(c.getWidth(), c.getHeight()) < Limits.MIN_SHORTEST_SIDE) {
            throw new InvalidInputException(String.format("the photo is %dx%d at the %d px scale; VGG19 needs at least %d px "
                    + "on its shortest side", c.getWidth(), c.getHeight(), scale.size(), Limits.MIN_SHORTEST_SIDE));
        }
        int width = Math.max(1, (int) Math.round(c.getWidth() * plan.styleScale()));
        int height = Math.max(1, (int) Math.round(c.getHeight() * plan.styleScale()));
        List<BufferedImage> sized = styles.stream()
                .map(s -> plan.styleFitsContent()
                        ? RgbImages.resize(s, width, height)
                        : RgbImages.fitLongestSide(s, Math.max(width, height)))
                .toList();
        return new StyleInputs(c, sized, styleWeights);
    }

    /** The first painting: what {@code init=style} starts from. */
    public BufferedImage style() {
        return styles.get(0);
    }
}
