package dev.stylize.images;

import static dev.stylize.images.testing.PngChunks.pngChunk;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small builders for real and hostile image files: whole images through ImageIO's writers,
 * and the containers (PNG chunks, JPEG segments, RIFF chunks, TIFF directories) by hand, so
 * that a test can say exactly which declared size it lies about.
 */
final class TestImages {
    private TestImages() {
    }

    // ---- whole images ----

    static BufferedImage solid(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    static BufferedImage noise(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }

    /** Left half white, right half black: shows which way an orientation turned it. */
    static BufferedImage halves(int w, int h) {
        BufferedImage image = solid(w, h, Color.WHITE);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        return image;
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for this image");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    /** A PNG with a 16-colour palette (colour type 3), the PNG reader's metadata-reading path. */
    static byte[] palettePng(int w, int h) {
        byte[] levels = new byte[16];
        for (int i = 0; i < 16; i++) {
            levels[i] = (byte) (i * 17);
        }
        IndexColorModel palette = new IndexColorModel(4, 16, levels, levels, levels);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, palette);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, (x + y) % 16);
            }
        }
        return png(image);
    }

    /** 16 bits per channel; the top-left pixel is (65535, 32896, 0), an 8-bit orange. */
    static byte[] sixteenBitPng(int w, int h) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(w, h);
        raster.setPixel(0, 0, new int[] {65535, 32896, 0});
        return png(new BufferedImage(model, raster, false, null));
    }

    /** Four channels with an Adobe APP14 marker, transform 0: CMYK stored inverted, as Photoshop writes it. */
    static byte[] cmykJpeg(int w, int h) {
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                cmyk.setPixel(x, y, new int[] {255, 0, 0, 255}); // no cyan, full magenta and yellow, no black
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] adobe = {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return insertAfterSoi(bytes.toByteArray(), 0xEE, adobe);
    }

    /** A progressive JPEG: many scans, each refining the whole image. */
    static byte[] progressiveJpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        return write(writer, image, param);
    }

    /** A TIFF by the TIFF writer, with a compression it names ("LZW", "Deflate", "PackBits", "JPEG") or none. */
    static byte[] tiff(BufferedImage image, String compression) {
        return tiff("tiff", image, compression);
    }

    /** The same as a BigTIFF (64-bit offsets). */
    static byte[] bigTiff(BufferedImage image) {
        return tiff("bigtiff", image, null);
    }

    private static byte[] tiff(String format, BufferedImage image, String compression) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        if (compression != null) {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(compression);
        }
        return write(writer, image, param);
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    static BufferedImage grey(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        image.getGraphics().drawImage(noise(w, h), 0, 0, null);
        return image;
    }

    /** The JDK's own sRGB profile, about 3 KB: a real profile for JPEG and WebP seeds. */
    static byte[] srgbProfile() {
        return ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    }

    // ---- PNG (chunks: dev.stylize.images.testing.PngChunks) ----

    /** A PNG signature and IHDR chunk declaring the given size, then nothing. */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, pngChunk("IHDR", ihdr.array()));
    }

    // ---- JPEG ----

    /** Inserts the segment FF {@code marker} with {@code payload} right after the JPEG's SOI. */
    static byte[] insertAfterSoi(byte[] jpeg, int marker, byte[] payload) {
        if (payload.length > 65533) {
            throw new IllegalArgumentException("a JPEG segment holds at most 65533 bytes");
        }
        ByteBuffer segment = ByteBuffer.allocate(4 + payload.length);
        segment.put((byte) 0xFF).put((byte) marker).putShort((short) (2 + payload.length)).put(payload);
        return insert(jpeg, 2, segment.array());
    }

    /** Inserts an APP1 Exif segment holding only the orientation tag right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        return insertAfterSoi(jpeg, 0xE1, concat(ascii("Exif\0\0"), tiffWithOrientation(ByteOrder.BIG_ENDIAN, orientation)));
    }

    /** A TIFF structure whose IFD0 holds only Orientation, as EXIF carries it. */
    static byte[] tiffWithOrientation(ByteOrder order, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(order);
        tiff.put(order == ByteOrder.BIG_ENDIAN ? ascii("MM") : ascii("II")).putShort((short) 42).putInt(8)
                .putShort((short) 1)                                   // one entry
                .putShort((short) 0x0112).putShort((short) 3).putInt(1) // Orientation, SHORT, count 1
                .putShort((short) orientation).putShort((short) 0)
                .putInt(0);                                            // no next IFD
        return tiff.array();
    }

    /**
     * An APP1 Exif segment whose IFD0 has {@code entries} UNDEFINED tags all pointing at the
     * same {@code shared} bytes, then Orientation: what a metadata parser that reads every tag
     * would allocate {@code entries * shared} bytes for.
     */
    static byte[] exifWithSharedValues(int entries, int shared, int orientation) {
        int ifdSize = 2 + 12 * (entries + 1) + 4;
        ByteBuffer tiff = ByteBuffer.allocate(8 + ifdSize + shared).order(ByteOrder.BIG_ENDIAN);
        tiff.put(ascii("MM")).putShort((short) 42).putInt(8).putShort((short) (entries + 1));
        for (int i = 0; i < entries; i++) {
            tiff.putShort((short) (0x8000 + i)).putShort((short) 7).putInt(shared).putInt(8 + ifdSize);
        }
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0);
        return concat(ascii("Exif\0\0"), tiff.array());
    }

    /**
     * An APP2 ICC_PROFILE chunk (1 of 1) whose profile header declares {@code declaredSize} bytes
     * while the segment holds only the 128-byte header.
     */
    static byte[] iccChunk(int declaredSize) {
        return concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, iccHeader(declaredSize));
    }

    /** An ICC profile header: size, then the "acsp" signature at 36; an RGB display profile. */
    static byte[] iccHeader(int declaredSize) {
        ByteBuffer header = ByteBuffer.allocate(128);
        header.putInt(0, declaredSize);
        header.put(12, ascii("mntr")).put(16, ascii("RGB ")).put(20, ascii("XYZ ")).put(36, ascii("acsp"));
        return header.array();
    }

    // ---- WebP ----

    static byte[] riffChunk(String fourcc, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(8 + data.length + (data.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        chunk.put(ascii(fourcc)).putInt(data.length).put(data);
        return chunk.array();
    }

    static byte[] webp(byte[]... chunks) {
        byte[] body = concat(chunks);
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt(4 + body.length).put(ascii("WEBP"));
        return concat(header.array(), body);
    }

    static final int VP8X_ICC = 0x20;
    static final int VP8X_EXIF = 0x08;
    static final int VP8X_XMP = 0x04;

    /** The extended header: flags, then canvas width and height less one, 24 bits each. */
    static byte[] vp8x(int flags, int width, int height) {
        ByteBuffer data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        data.put((byte) flags).put(new byte[3]);
        data.put((byte) (width - 1)).put((byte) ((width - 1) >> 8)).put((byte) ((width - 1) >> 16));
        data.put((byte) (height - 1)).put((byte) ((height - 1) >> 8)).put((byte) ((height - 1) >> 16));
        return riffChunk("VP8X", data.array());
    }

    /**
     * A lossless (VP8L) bitstream of one colour: five one-symbol prefix codes, so every pixel
     * costs no bits and any size takes a dozen bytes.
     */
    static byte[] vp8lSolid(int width, int height, int argb) {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8);
        bits.write(width - 1, 14).write(height - 1, 14).write(1, 1).write(0, 3);
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        int[] symbols = {argb >> 8 & 0xFF, argb >> 16 & 0xFF, argb & 0xFF, argb >>> 24};
        for (int symbol : symbols) { // green, red, blue, alpha: simple code, one 8-bit symbol
            bits.write(1, 1).write(0, 1).write(1, 1).write(symbol, 8);
        }
        bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1); // distance: one 1-bit symbol, 0
        bits.write(0, 64); // the reader fetches 8 bytes at a time and refuses a shorter stream
        return riffChunk("VP8L", bits.toByteArray());
    }

    /**
     * A 1x1 lossless bitstream whose entropy image names prefix-code group 65535, so that the
     * decoder reads (and builds tables for) {@code 65536} groups of five one-symbol codes: about
     * two and a half bytes of file per group.
     */
    static byte[] vp8lPrefixGroupBomb() {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8).write(0, 14).write(0, 14).write(1, 1).write(0, 3);
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(1, 1).write(0, 3); // meta prefix codes, 4x4 pixels per entropy tile
        // the 1x1 entropy image: no colour cache, five one-symbol codes giving red 255, green 255
        bits.write(0, 1);
        for (int symbol : new int[] {0xFF, 0xFF, 0, 0}) {
            bits.write(1, 1).write(0, 1).write(1, 1).write(symbol, 8);
        }
        bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1);
        for (int group = 0; group < 65536; group++) {
            for (int code = 0; code < 5; code++) {
                bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1); // one 1-bit symbol: 0
            }
        }
        bits.write(0, 64);
        return riffChunk("VP8L", bits.toByteArray());
    }

    /**
     * A lossless bitstream that gives the predictor transform {@code times} times, each with a
     * sub-image of one-symbol codes (no bits per block), then one colour.
     */
    static byte[] vp8lRepeatedTransforms(int width, int height, int times) {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8).write(width - 1, 14).write(height - 1, 14).write(1, 1).write(0, 3);
        for (int i = 0; i < times; i++) {
            bits.write(1, 1).write(0, 2).write(0, 3); // a predictor transform, 4x4 blocks
            bits.write(0, 1); // its sub-image: no colour cache, five one-symbol codes
            for (int code = 0; code < 5; code++) {
                bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1);
            }
        }
        bits.write(0, 1).write(0, 1).write(0, 1); // no more transforms, no cache, no meta codes
        for (int code = 0; code < 5; code++) {
            bits.write(1, 1).write(0, 1).write(0, 1).write(0, 1);
        }
        bits.write(0, 64);
        return riffChunk("VP8L", bits.toByteArray());
    }

    /** Bits least significant first, as VP8L stores them. */
    static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long buffer;
        private int count;

        BitWriter write(long value, int bits) {
            buffer |= (value & ((1L << bits) - 1)) << count;
            count += bits;
            while (count >= 8) {
                out.write((int) buffer & 0xFF);
                buffer >>>= 8;
                count -= 8;
            }
            return this;
        }

        byte[] toByteArray() {
            if (count > 0) {
                out.write((int) buffer & 0xFF);
                buffer = 0;
                count = 0;
            }
            return out.toByteArray();
        }
    }

    // ---- TIFF ----

    /**
     * A little-endian classic TIFF built entry by entry. Values that do not fit in an entry go
     * after their IFD; {@link #appendData} adds bytes to a data area after all IFDs, which
     * {@link #entryAtData} points at; {@link #entryAt} points an entry at any file offset.
     */
    static final class Tiff {
        private record Entry(int tag, int type, long count, byte[] value, long offset) {
        }

        private final List<List<Entry>> ifds = new ArrayList<>(List.of(new ArrayList<>()));
        private final ByteArrayOutputStream extra = new ByteArrayOutputStream();

        /** An 8-bit greyscale image of one uncompressed strip, {@code pixels} appended as data. */
        static Tiff grey(int width, int height, byte[] pixels) {
            Tiff tiff = new Tiff();
            long stripOffset = tiff.appendData(pixels);
            return tiff.shortEntry(256, width).shortEntry(257, height).shortEntry(258, 8).shortEntry(259, 1)
                    .shortEntry(262, 1).entryAtData(273, 4, 1, stripOffset).shortEntry(277, 1)
                    .shortEntry(278, height).longEntry(279, pixels.length);
        }

        Tiff shortEntry(int tag, int value) {
            return entry(tag, 3, 1, ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) value).array());
        }

        Tiff longEntry(int tag, long value) {
            return entry(tag, 4, 1, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
        }

        Tiff entry(int tag, int type, long count, byte[] value) {
            current().add(new Entry(tag, type, count, value, -1));
            return this;
        }

        /** An entry whose value is said to lie at {@code offset}, {@code count} values long. */
        Tiff entryAt(int tag, int type, long count, long offset) {
            current().add(new Entry(tag, type, count, null, offset));
            return this;
        }

        /** An entry whose value is said to lie at {@code dataOffset} in the data area. */
        Tiff entryAtData(int tag, int type, long count, long dataOffset) {
            current().add(new Entry(tag, type, count, null, -2 - dataOffset));
            return this;
        }

        /** Starts the next IFD in the chain. */
        Tiff nextIfd() {
            ifds.add(new ArrayList<>());
            return this;
        }

        /** Appends bytes to the data area; returns their offset within it (see {@link #dataStart}). */
        long appendData(byte[] data) {
            long at = extra.size();
            extra.writeBytes(data);
            return at;
        }

        /** Where the data area starts in the file (once every entry is added). */
        private long dataStart() {
            long at = 8;
            for (List<Entry> ifd : ifds) {
                at += 2 + 12L * ifd.size() + 4;
                for (Entry entry : ifd) {
                    if (entry.value != null && entry.value.length > 4) {
                        at += entry.value.length + (entry.value.length & 1);
                    }
                }
            }
            return at;
        }

        byte[] toByteArray() {
            long dataStart = dataStart();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            header.put(ascii("II")).putShort((short) 42).putInt(8);
            out.writeBytes(header.array());
            long at = 8;
            for (int i = 0; i < ifds.size(); i++) {
                List<Entry> ifd = ifds.get(i);
                long outOfLine = at + 2 + 12L * ifd.size() + 4;
                ByteBuffer table = ByteBuffer.allocate(2 + 12 * ifd.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
                ByteArrayOutputStream values = new ByteArrayOutputStream();
                table.putShort((short) ifd.size());
                for (Entry entry : ifd) {
                    table.putShort((short) entry.tag).putShort((short) entry.type).putInt((int) entry.count);
                    if (entry.value == null) {
                        table.putInt((int) (entry.offset <= -2 ? dataStart + (-2 - entry.offset) : entry.offset));
                    } else if (entry.value.length <= 4) {
                        table.put(entry.value).put(new byte[4 - entry.value.length]);
                    } else {
                        table.putInt((int) (outOfLine + values.size()));
                        values.writeBytes(entry.value);
                        if ((entry.value.length & 1) == 1) {
                            values.write(0);
                        }
                    }
                }
                long next = outOfLine + values.size();
                table.putInt(i + 1 < ifds.size() ? (int) next : 0);
                out.writeBytes(table.array());
                out.writeBytes(values.toByteArray());
                at = next;
            }
            out.writeBytes(extra.toByteArray());
            return out.toByteArray();
        }

        private List<Entry> current() {
            return ifds.get(ifds.size() - 1);
        }
    }

    // ---- bytes ----

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] insert(byte[] into, int at, byte[]... parts) {
        return concat(java.util.Arrays.copyOf(into, at), concat(parts), java.util.Arrays.copyOfRange(into, at, into.length));
    }
}
