package dev.stylize.engine.tensor;

import ai.djl.ndarray.NDArray;
import dev.stylize.images.RgbFloats;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * RGB images to and from VGG's input space: [0,1] then (x - mean) / std per channel with
 * ImageNet's statistics. The optimised image lives in that space.
 */
public final class TensorImages {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private TensorImages() {
    }

    /** @return (1, 3, H, W) float32 */
    public static NDArray toTensor(NDManager manager, BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] chw = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            for (int c = 0; c < 3; c++) {
                int v = (p >> (16 - 8 * c)) & 0xFF;
                chw[c * plane + i] = (v / 255f - MEAN[c]) / STD[c];
            }
        }
        return manager.create(chw, new Shape(1, 3, h, w));
    }

    /** Denormalises, clips to [0,1] and rounds to 8 bits. @param tensor (1, 3, H, W) */
    public static BufferedImage toImage(NDArray tensor) {
        Shape s = tensor.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] chw = tensor.toType(DataType.FLOAT32, false).toFloatArray();
        int plane = w * h;
        int[] rgb = new int[plane];
        for (int i = 0; i < plane; i++) {
            int p = 0;
            for (int c = 0; c < 3; c++) {
                p |= RgbFloats.to8Bits(chw[c * plane + i] * STD[c] + MEAN[c]) << (16 - 8 * c);
            }
            rgb[i] = p;
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, rgb, 0, w);
        return image;
    }

    /** Denormalised, not rounded (nor clipped): the pixels as floats, 0 to 1 where in range. @param tensor (1, 3, H, W) */
    public static RgbFloats toFloats(NDArray tensor) {
        Shape s = tensor.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] chw = tensor.toType(DataType.FLOAT32, false).toFloatArray();
        int plane = w * h;
        float[] rgb = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                rgb[3 * i + c] = chw[c * plane + i] * STD[c] + MEAN[c];
            }
        }
        return new RgbFloats(w, h, rgb);
    }

    /** Uniform white noise in [0,1] pixel space, normalised; the same for a seed everywhere. */
    public static NDArray noise(NDManager manager, int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int plane = width * height;
        float[] chw = new float[3 * plane];
        for (int i = 0; i < chw.length; i++) {
            int c = i / plane;
            chw[i] = ((float) random.nextDouble() - MEAN[c]) / STD[c];
        }
        return manager.create(chw, new Shape(1, 3, height, width));
    }
}
