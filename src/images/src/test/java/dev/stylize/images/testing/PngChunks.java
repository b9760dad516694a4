package dev.stylize.images.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * PNG chunks for hostile-input tests, shared by the image decoder's tests and the whole-process
 * tests (this module's test-jar): compressed text and profiles that inflate far beyond their size.
 */
public final class PngChunks {
    private PngChunks() {
    }

    /** {@code count} zero bytes, deflated without ever holding them: about 1000 to 1. */
    public static byte[] deflatedZeros(long count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflating = new DeflaterOutputStream(out, new Deflater(9), 1 << 16)) {
            byte[] zeros = new byte[1 << 16];
            for (long left = count; left > 0; left -= zeros.length) {
                deflating.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] pngChunk(String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put(ascii(type)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        return chunk.array();
    }

    /** Inserts whole chunks right after IHDR (signature 8 bytes, IHDR 25). */
    public static byte[] withPngChunks(byte[] png, byte[]... chunks) {
        return concat(Arrays.copyOf(png, 8 + 25), concat(chunks), Arrays.copyOfRange(png, 8 + 25, png.length));
    }

    /** zTXt: keyword, NUL, method 0, deflated text. */
    public static byte[] zTxt(byte[] deflated) {
        return pngChunk("zTXt", concat(ascii("Comment\0\0"), deflated));
    }

    /** iTXt: keyword, NUL, compressed, method 0, empty language and translated keyword, deflated text. */
    public static byte[] iTxt(byte[] deflated) {
        return pngChunk("iTXt", concat(ascii("XML:com.adobe.xmp\0"), new byte[] {1, 0, 0, 0}, deflated));
    }

    /** iCCP: profile name, NUL, method 0, deflated profile. */
    public static byte[] iCcp(byte[] deflated) {
        return pngChunk("iCCP", concat(ascii("icc\0\0"), deflated));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
