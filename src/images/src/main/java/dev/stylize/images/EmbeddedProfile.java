package dev.stylize.images;

import java.awt.color.CMMException;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static dev.stylize.images.Bytes.startsWith;
import static dev.stylize.images.Bytes.u32;

/**
 * The colour profile a photo carries where its reader leaves it unapplied (PNG's {@code iCCP}; the
 * JPEG, WebP and TIFF readers apply theirs: the decoded image's colour model carries the profile,
 * and reading it as RGB converts), and the conversion of the decoded pixels from it to sRGB with
 * Java's colour management (LittleCMS). A profile is inflated into at
 * most {@link #MAX_BYTES}: one that is larger, malformed, or not of the image's colours is refused.
 */
final class EmbeddedProfile {
    /** Photo profiles are a few kilobytes, a large printer profile a few megabytes. */
    static final int MAX_BYTES = 4 << 20;
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private EmbeddedProfile() {
    }

    /** The profile of a {@code format} file whose reader does not apply it, if it has one. */
    static Optional<ICC_Profile> unapplied(String format, byte[] file, String name) {
        return format.equals("png") ? png(file, name).map(bytes -> parse(bytes, name)) : Optional.empty();
    }

    /**
     * {@code decoded} in sRGB as 8-bit RGB: its pixels are in {@code profile}'s colours (an RGB or
     * grey profile), or in its colour model's own colour space when that is not sRGB.
     */
    static BufferedImage toSrgb(BufferedImage decoded, ICC_Profile profile, String name) {
        BufferedImage tagged = switch (profile.getColorSpaceType()) {
            case ColorSpace.TYPE_RGB -> tagged(bands(RgbImages.toRgb(decoded), 3), profile);
            case ColorSpace.TYPE_GRAY -> tagged(bands(RgbImages.toRgb(decoded), 1), profile);
            default -> throw new InvalidImageException(name + " carries a colour profile for another kind of colour ("
                    + kind(profile.getColorSpaceType()) + ") than its RGB or grey pixels");
        };
        return convert(tagged, name);
    }

    /** An image whose colour model is not sRGB (a reader applied a profile): converted to sRGB. */
    static BufferedImage convert(BufferedImage image, String name) {
        BufferedImage srgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        try {
            return new ColorConvertOp(null).filter(image, srgb);
        } catch (CMMException | IllegalArgumentException e) {
            throw new InvalidImageException(name + " has a colour profile that cannot be applied: " + e.getMessage(), e);
        }
    }

    /** Whether {@code profile} has sRGB's primaries and Java's sRGB tone curves: its pixels are kept as they are. */
    static boolean isSrgb(ICC_Profile profile) {
        if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
            return false;
        }
        ICC_Profile srgb = ICC_Profile.getInstance(ColorSpace.CS_sRGB);
        for (int tag : new int[] {ICC_Profile.icSigRedColorantTag, ICC_Profile.icSigGreenColorantTag, ICC_Profile.icSigBlueColorantTag}) {
            byte[] mine = profile.getData(tag);
            byte[] theirs = srgb.getData(tag);
            if (mine == null || mine.length < 20) {
                return false;
            }
            for (int at = 8; at < 20; at += 4) {
                if (Math.abs(u32(mine, at, false) - u32(theirs, at, false)) > 0.002 * 65536) {
                    return false;
                }
            }
        }
        // Same primaries with another curve (linear, gamma 2.2, Rec. 709) means other colours.
        for (int tag : new int[] {ICC_Profile.icSigRedTRCTag, ICC_Profile.icSigGreenTRCTag, ICC_Profile.icSigBlueTRCTag}) {
            if (!Arrays.equals(profile.getData(tag), srgb.getData(tag))) {
                return false;
            }
        }
        return true;
    }

    private static BufferedImage tagged(WritableRaster raster, ICC_Profile profile) {
        ColorSpace space = new ICC_ColorSpace(profile);
        return new BufferedImage(new ComponentColorModel(space, false, false, ComponentColorModel.OPAQUE, DataBuffer.TYPE_BYTE),
                raster, false, null);
    }

    /** The first {@code count} of an 8-bit RGB image's channels (R, G, B), one byte each. */
    private static WritableRaster bands(BufferedImage rgb, int count) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, count, null);
        int[] row = new int[w];
        byte[] out = new byte[w * count];
        for (int y = 0; y < h; y++) {
            rgb.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < count; c++) {
                    out[x * count + c] = (byte) (row[x] >> (16 - 8 * c));
                }
            }
            raster.setDataElements(0, y, w, 1, out);
        }
        return raster;
    }

    private static ICC_Profile parse(byte[] data, String name) {
        try {
            return ICC_Profile.getInstance(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidImageException(name + " has a damaged colour profile: " + e.getMessage(), e);
        }
    }

    /** The {@code iCCP} chunk before the image data: name, a zero byte, method 0, a zlib stream. */
    private static Optional<byte[]> png(byte[] f, String name) {
        if (!startsWith(f, 0, PNG_SIGNATURE)) {
            return Optional.empty();
        }
        for (long at = 8; at + 12 <= f.length; ) {
            long length = u32(f, (int) at, false);
            String type = new String(f, (int) at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long data = at + 8;
            if (length > f.length - data - 4 || type.equals("IDAT") || type.equals("IEND")) {
                return Optional.empty();
            }
            if (type.equals("iCCP")) {
                int end = (int) (data + length);
                int zero = (int) data;
                while (zero < end && f[zero] != 0) {
                    zero++;
                }
                if (zero + 2 > end || f[zero + 1] != 0) {
                    throw new InvalidImageException(name + " has a damaged colour profile: its iCCP chunk is malformed");
                }
                return Optional.of(inflate(Arrays.copyOfRange(f, zero + 2, end), name));
            }
            at = data + length + 4;
        }
        return Optional.empty();
    }

    /** Inflates a zlib stream into at most {@link #MAX_BYTES}, refusing one that would be larger. */
    private static byte[] inflate(byte[] compressed, String name) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new InvalidImageException(name + " has a damaged colour profile: its compressed data ends early");
                }
                if (out.size() + n > MAX_BYTES) {
                    throw new InvalidImageException(String.format(java.util.Locale.ROOT,
                            "%s carries a colour profile larger than %,d bytes: refused", name, MAX_BYTES));
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new InvalidImageException(name + " has a damaged colour profile: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static String kind(int type) {
        return switch (type) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_Lab -> "Lab";
            case ColorSpace.TYPE_XYZ -> "XYZ";
            default -> "type " + type;
        };
    }
}
