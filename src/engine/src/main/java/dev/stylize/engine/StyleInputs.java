package dev.stylize.engine;

import dev.stylize.images.RgbImages;

import java.awt.image.BufferedImage;

/**
 * The photo and the painting at the sizes the optimisation uses.
 *
 * @param content the photo, its longest side at most {@code maxSize} (never enlarged)
 * @param style   the painting, at the content's size (see {@link StyleOptions#styleFitsContent()})
 */
public record StyleInputs(BufferedImage content, BufferedImage style) {

    public static StyleInputs prepare(BufferedImage content, BufferedImage style, StyleOptions options) {
        BufferedImage c = Math.max(content.getWidth(), content.getHeight()) > options.maxSize()
                ? RgbImages.fitLongestSide(content, options.maxSize())
                : content;
        BufferedImage s = options.styleFitsContent()
                ? RgbImages.resize(style, c.getWidth(), c.getHeight())
                : RgbImages.fitLongestSide(style, Math.max(c.getWidth(), c.getHeight()));
        return new StyleInputs(c, s);
    }
}
