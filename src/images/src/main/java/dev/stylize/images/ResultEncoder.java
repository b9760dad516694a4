package dev.stylize.images;

import dev.stylize.plan.ResultFormat;
import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A result in its {@link ResultFormat}, labelled sRGB as every format says it: PNG with an
 * {@code sRGB} chunk, JPEG and TIFF with the sRGB ICC profile embedded. The 16-bit formats are
 * rounded from the floating-point image; PNG and JPEG from its 8-bit rounding.
 */
public final class ResultEncoder {
    private static final float JPEG_QUALITY = 0.92f;

    private ResultEncoder() {
    }

    /** The floating-point image in any format: rounded to 16 bits for PNG16 and TIFF16, to 8 for the others. */
    public static byte[] encode(ResultFormat format, RgbFloats image) {
        return switch (format) {
            case PNG16 -> png(image.to16Bits());
            case TIFF16 -> write("tiff", labelled(image.to16Bits()), null, metadata -> { });
            default -> encode(format, image.to8Bits());
        };
    }

    /** An 8-bit image as PNG or JPEG. */
    public static byte[] encode(ResultFormat format, BufferedImage image) {
        return switch (format) {
            case PNG -> png(image);
            case JPEG -> write("jpeg", image, JPEG_QUALITY, ResultEncoder::jpegProfile);
            default -> throw new IllegalArgumentException(format + " is made from the floating-point image, not from 8 bits");
        };
    }

    /** A PNG of any depth, with its {@code sRGB} chunk (perceptual intent). */
    public static byte[] png(BufferedImage image) {
        return write("png", image, null, metadata -> {
            IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
            IIOMetadataNode srgb = new IIOMetadataNode("sRGB");
            srgb.setAttribute("renderingIntent", "Perceptual");
            root.appendChild(srgb);
            metadata.mergeTree("javax_imageio_png_1.0", root);
        });
    }

    /** JPEG's APP2 ICC_PROFILE segment, with the sRGB profile. */
    private static void jpegProfile(IIOMetadata metadata) {
        String format = "javax_imageio_jpeg_image_1.0";
        Node root = metadata.getAsTree(format);
        Node jfif = root.getFirstChild() == null ? null : root.getFirstChild().getFirstChild(); // JPEGvariety/app0JFIF
        if (jfif != null && jfif.getNodeName().equals("app0JFIF")) {
            IIOMetadataNode icc = new IIOMetadataNode("app2ICC");
            icc.setUserObject(ICC_Profile.getInstance(ColorSpace.CS_sRGB));
            jfif.appendChild(icc);
            try {
                metadata.setFromTree(format, root);
            } catch (IIOInvalidTreeException e) {
                throw new IllegalStateException("the JPEG writer refused its sRGB profile", e);
            }
        }
    }

    /**
     * The same pixels in a colour space that is sRGB but not Java's own sRGB object, so that a writer
     * that embeds the profile of any other colour space embeds sRGB's.
     */
    private static BufferedImage labelled(BufferedImage image) {
        ICC_Profile srgb = ICC_Profile.getInstance(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        ComponentColorModel model = new ComponentColorModel(new ICC_ColorSpace(srgb), false, false,
                image.getColorModel().getTransparency(), image.getRaster().getTransferType());
        return new BufferedImage(model, image.getRaster(), false, null);
    }

    private interface Labeller {
        void label(IIOMetadata metadata) throws IIOInvalidTreeException;
    }

    private static byte[] write(String formatName, BufferedImage image, Float quality, Labeller labeller) {
        ImageWriter writer = writer(formatName);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (quality != null) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
            } else if (formatName.equals("tiff") && param.canWriteCompressed()) {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionType(Arrays.asList(param.getCompressionTypes()).contains("Deflate") ? "Deflate" : "LZW");
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            labeller.label(metadata);
            writer.write(null, new IIOImage(image, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * ImageIO's writer for the format; for TIFF the JDK's own, which compresses 16-bit samples (the
     * TIFF plugin the readers use writes them only uncompressed).
     */
    private static ImageWriter writer(String formatName) {
        java.util.List<ImageWriter> writers = new java.util.ArrayList<>();
        ImageIO.getImageWritersByFormatName(formatName).forEachRemaining(writers::add);
        return writers.stream().filter(w -> !formatName.equals("tiff") || w.getClass().getName().startsWith("com.sun.imageio."))
                .findFirst().orElse(writers.getFirst());
    }
}
