package dev.stylize.engine;

import dev.stylize.images.RgbImages;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The photo and the paintings at the sizes the optimisation uses.
 *
 * @param content      the photo, its longest side at most {@code maxSize} (never enlarged)
 * @param styles       the paintings, sized from the content (see {@link StyleOptions#styleFitsContent()})
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

    public static StyleInputs prepare(BufferedImage content, BufferedImage style, StyleOptions options) {
        return prepare(content, List.of(style), List.of(1.0), options);
    }

    public static StyleInputs prepare(BufferedImage content, List<BufferedImage> styles, List<Double> weights,
                                      StyleOptions options) {
        return prepare(content, styles, weights, options, 1.0);
    }

    /**
     * @param styleScale the paintings' size relative to the result (jcjohnson's -style_scale):
     *                   below 1 their brush strokes come out larger, above 1 finer
     */
    public static StyleInputs prepare(BufferedImage content, List<BufferedImage> styles, List<Double> weights,
                                      StyleOptions options, double styleScale) {
        if (!Double.isFinite(styleScale) || styleScale < 0.1 || styleScale > 4) {
            throw new InvalidInputException("style scale must be from 0.1 to 4, got " + styleScale);
        }
        BufferedImage c = Math.max(content.getWidth(), content.getHeight()) > options.maxSize()
                ? RgbImages.fitLongestSide(content, options.maxSize())
                : content;
        int width = Math.max(1, (int) Math.round(c.getWidth() * styleScale));
        int height = Math.max(1, (int) Math.round(c.getHeight() * styleScale));
        List<BufferedImage> sized = styles.stream()
                .map(s -> options.styleFitsContent()
                        ? RgbImages.resize(s, width, height)
                        : RgbImages.fitLongestSide(s, Math.max(width, height)))
                .toList();
        return new StyleInputs(c, sized, weights);
    }

    /** The first painting: what {@code init=style} starts from. */
    public BufferedImage style() {
        return styles.get(0);
    }
}
