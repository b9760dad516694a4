package dev.stylize.plan;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The bounds an option must respect, in one place. The service's are narrower than the
 * engine's: they keep one job within what a worker does in reasonable time. Every other bound
 * (weights, learning rate, style scale, scales) is the same for both and lives here too.
 *
 * @param maxSteps most optimisation steps, in all and at any one scale
 * @param minSize  smallest longest side a caller may ask for
 * @param maxSize  largest longest side a caller may ask for
 */
public record Limits(int maxSteps, int minSize, int maxSize) {
    /** The bounds as constants, so help texts (annotations) quote them instead of retyping them. */
    public static final int SERVICE_MAX_STEPS = 5000;
    public static final int SERVICE_MIN_SIZE = 32;
    public static final int SERVICE_MAX_SIZE = 2048;
    public static final int ENGINE_MAX_STEPS = 20_000;
    public static final int ENGINE_MIN_SIZE = 16;
    public static final int ENGINE_MAX_SIZE = 8192;
    /**
     * What one job of the service may ask (manifests, inbox uploads, the intake's defaults) where
     * the deployment keeps the default largest size; {@link #service} for another.
     */
    public static final Limits SERVICE = new Limits(SERVICE_MAX_STEPS, SERVICE_MIN_SIZE, SERVICE_MAX_SIZE);
    /** 40 megapixels: an 8000 x 5000 photo. The least any deployment accepts, whatever its largest job size. */
    public static final long PHOTO_PIXELS = 40_000_000L;
    /** 50 MB: a large camera JPEG or a 16-bit TIFF of a phone photo, at {@link #PHOTO_PIXELS}. */
    public static final long PHOTO_BYTES = 50L * 1024 * 1024;
    /** What the engine itself runs: the command line. Room for 8K UHD (7680 px); steps that do not fit the memory run in tiles. */
    public static final Limits ENGINE = new Limits(ENGINE_MAX_STEPS, ENGINE_MIN_SIZE, ENGINE_MAX_SIZE);

    /**
     * VGG19 halves its feature maps four times before conv5_1 (floor division): a side under
     * 16 px leaves nothing to compare there. Every scale of a plan keeps both sides this long.
     */
    public static final int MIN_SHORTEST_SIDE = 16;
    /** Coarse-to-fine scales at most; coarser ones never go below {@link #MIN_COARSE_SIZE}. */
    public static final int MAX_SCALES = 6;
    public static final int MIN_COARSE_SIZE = 64;
    public static final double MAX_WEIGHT = 1e12;
    public static final double MAX_LEARNING_RATE = 1000;
    /** The paintings' size relative to the result, as jcjohnson/neural-style's -style_scale. */
    public static final double MIN_STYLE_SCALE = 0.1;
    public static final double MAX_STYLE_SCALE = 4.0;
    /** Style blend weights of a job (their ratios matter, not their sum). */
    public static final double MAX_BLEND_WEIGHT = 1e6;

    /**
     * The service's limits where the deployment lets a job ask up to {@code maxJobSize} px (the
     * template's MaxJobSize, STYLIZE_MAX_JOB_SIZE): print sizes, up to the engine's largest.
     */
    public static Limits service(int maxJobSize) {
        if (maxJobSize < SERVICE_MIN_SIZE || maxJobSize > ENGINE_MAX_SIZE) {
            throw new IllegalArgumentException("the largest job size of a deployment is from " + SERVICE_MIN_SIZE + " to "
                    + ENGINE_MAX_SIZE + " px, got " + maxJobSize);
        }
        return new Limits(SERVICE_MAX_STEPS, SERVICE_MIN_SIZE, maxJobSize);
    }

    /**
     * The largest photo accepted: {@link #PHOTO_PIXELS}, or a square of {@link #maxSize} where that
     * is more, so a photo as large as a print needs is never refused by the pixel rule.
     */
    public long maxPixels() {
        return Math.max(PHOTO_PIXELS, (long) maxSize * maxSize);
    }

    /** The largest upload accepted: {@link #PHOTO_BYTES}, growing with {@link #maxPixels} at the same bytes per pixel. */
    public long maxUploadBytes() {
        return (long) Math.ceil(PHOTO_BYTES * ((double) maxPixels() / PHOTO_PIXELS));
    }

    /** A bound as messages quote it: 1e12, 1e6, 20000, 0.1 (not 1.0E12, 20000.0). */
    public static String text(double bound) {
        BigDecimal value = BigDecimal.valueOf(bound).stripTrailingZeros();
        boolean power = value.unscaledValue().abs().compareTo(BigInteger.TEN) < 0 && value.scale() <= -6;
        return power ? value.unscaledValue() + "e" + -value.scale() : value.toPlainString();
    }
}
