package dev.stylize.images;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * An sRGB image as floats, R, G, B interleaved row by row, 0 to 1 (values outside are clipped
 * when rounded): the optimised image before it is rounded to 8 or 16 bits a channel.
 */
public record RgbFloats(int width, int height, float[] rgb) {
    public RgbFloats {
        if (rgb.length != 3 * width * height) {
            throw new IllegalArgumentException(rgb.length + " values for " + width + "x" + height + " RGB pixels");
        }
    }

    /** Rounded to 8 bits a channel, as {@code round(clip(v) * 255)}. */
    public BufferedImage to8Bits() {
        int[] packed = new int[width * height];
        for (int i = 0; i < packed.length; i++) {
            packed[i] = to8Bits(rgb[3 * i]) << 16 | to8Bits(rgb[3 * i + 1]) << 8 | to8Bits(rgb[3 * i + 2]);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, packed, 0, width);
        return image;
    }

    /** Rounded to 16 bits a channel, as {@code round(clip(v) * 65535)}, in an sRGB colour model. */
    public BufferedImage to16Bits() {
        short[] samples = new short[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            samples[i] = (short) level(rgb[i], 65535);
        }
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferUShort(samples, samples.length), width, height,
                3 * width, 3, new int[] {0, 1, 2}, new Point());
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        return new BufferedImage(model, raster, false, null);
    }

    /** One value (0 to 1) as 8 bits: {@code round(clip(v) * 255)}, the one rounding every 8-bit image of a run gets. */
    public static int to8Bits(float v) {
        return level(v, 255);
    }

    private static int level(float v, int max) {
        return Math.round(Math.min(1f, Math.max(0f, v)) * max);
    }
}
