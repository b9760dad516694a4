package dev.stylize.images;

import java.awt.color.ICC_Profile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RGB colour profiles made here, byte by byte, as ICC.1:2001 (version 2.1) matrix/TRC display
 * profiles: Display P3 and Adobe RGB (1998), from their published primaries, white point and
 * transfer curves. {@link #toSrgb} converts with the same published numbers and nothing else (no
 * colour management module): the reference the decoder's conversions are checked against.
 */
final class TestProfiles {
    /** A colour space: its primaries' and white's chromaticities, and its transfer curve. */
    record Space(String name, double[][] primaries, double[] white, boolean srgbCurve, double gamma) {
        /** Encoded value (0..1) to linear light. */
        double linear(double v) {
            if (!srgbCurve) {
                return Math.pow(v, gamma);
            }
            return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
        }

        /** RGB (linear) to XYZ (relative to this white, Y of white 1). */
        double[][] toXyz() {
            double[][] m = new double[3][3];
            for (int i = 0; i < 3; i++) {
                double x = primaries[i][0];
                double y = primaries[i][1];
                m[0][i] = x / y;
                m[1][i] = 1;
                m[2][i] = (1 - x - y) / y;
            }
            double[] w = {white[0] / white[1], 1, (1 - white[0] - white[1]) / white[1]};
            double[] s = solve(m, w);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] *= s[c];
                }
            }
            return m;
        }
    }

    static final double[] D65 = {0.3127, 0.3290};
    static final Space SRGB = new Space("sRGB", new double[][] {{0.64, 0.33}, {0.30, 0.60}, {0.15, 0.06}}, D65, true, 0);
    static final Space DISPLAY_P3 = new Space("Display P3", new double[][] {{0.680, 0.320}, {0.265, 0.690}, {0.150, 0.060}},
            D65, true, 0);
    /** Adobe RGB (1998): gamma 2 51/256, as its specification gives it. */
    static final Space ADOBE_RGB = new Space("Adobe RGB (1998)", new double[][] {{0.64, 0.33}, {0.21, 0.71}, {0.15, 0.06}},
            D65, false, 563.0 / 256);

    private TestProfiles() {
    }

    /** An 8-bit pixel of {@code space} in sRGB, by the published numbers: linearise, to XYZ, to sRGB, clip, encode. */
    static int[] toSrgb(Space space, int r, int g, int b) {
        double[] linear = {space.linear(r / 255.0), space.linear(g / 255.0), space.linear(b / 255.0)};
        double[] xyz = multiply(space.toXyz(), linear);
        double[] srgb = multiply(invert(SRGB.toXyz()), xyz);
        int[] out = new int[3];
        for (int i = 0; i < 3; i++) {
            double v = Math.max(0, Math.min(1, srgb[i]));
            double encoded = v <= 0.0031308 ? 12.92 * v : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
            out[i] = (int) Math.round(encoded * 255);
        }
        return out;
    }

    /** The profile's bytes. */
    static byte[] profile(Space space) {
        // The colorants in the D50 connection space: Bradford-adapted from the space's white.
        double[][] adapted = multiply(bradford(space.white()), space.toXyz());
        List<Tag> tags = new ArrayList<>();
        tags.add(new Tag("desc", description(space.name())));
        tags.add(new Tag("cprt", text("made by the tests")));
        tags.add(new Tag("wtpt", xyz(0.9642, 1.0, 0.8249)));
        tags.add(new Tag("rXYZ", xyz(adapted[0][0], adapted[1][0], adapted[2][0])));
        tags.add(new Tag("gXYZ", xyz(adapted[0][1], adapted[1][1], adapted[2][1])));
        tags.add(new Tag("bXYZ", xyz(adapted[0][2], adapted[1][2], adapted[2][2])));
        byte[] curve = space.srgbCurve() ? table(space) : gamma(space.gamma());
        tags.add(new Tag("rTRC", curve));
        tags.add(new Tag("gTRC", curve));
        tags.add(new Tag("bTRC", curve));

        int offset = 128 + 4 + 12 * tags.size();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ByteBuffer table = ByteBuffer.allocate(4 + 12 * tags.size()).putInt(tags.size());
        for (Tag tag : tags) {
            while ((offset + data.size()) % 4 != 0) {
                data.write(0);
            }
            table.put(ascii(tag.signature())).putInt(offset + data.size()).putInt(tag.data().length);
            data.writeBytes(tag.data());
        }
        int size = offset + data.size();
        ByteBuffer header = ByteBuffer.allocate(128)
                .putInt(size).putInt(0).putInt(0x02100000).put(ascii("mntr")).put(ascii("RGB ")).put(ascii("XYZ "))
                .putShort((short) 2026).putShort((short) 12).putShort((short) 6).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).put(ascii("acsp"));
        header.position(64).putInt(0); // perceptual
        header.putInt(fixed(0.9642)).putInt(fixed(1.0)).putInt(fixed(0.8249));
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        profile.writeBytes(header.array());
        profile.writeBytes(table.array());
        profile.writeBytes(data.toByteArray());
        byte[] bytes = profile.toByteArray();
        ICC_Profile.getInstance(bytes); // a profile Java's colour management reads
        return bytes;
    }

    private record Tag(String signature, byte[] data) {
    }

    private static byte[] xyz(double x, double y, double z) {
        return ByteBuffer.allocate(20).put(ascii("XYZ ")).putInt(0).putInt(fixed(x)).putInt(fixed(y)).putInt(fixed(z)).array();
    }

    /** A curve of one exponent (u8Fixed8). */
    private static byte[] gamma(double gamma) {
        return ByteBuffer.allocate(14).put(ascii("curv")).putInt(0).putInt(1).putShort((short) Math.round(gamma * 256)).array();
    }

    /** The sRGB piecewise curve as a table of 4096 entries. */
    private static byte[] table(Space space) {
        int n = 4096;
        ByteBuffer curve = ByteBuffer.allocate(12 + 2 * n).put(ascii("curv")).putInt(0).putInt(n);
        for (int i = 0; i < n; i++) {
            curve.putShort((short) Math.round(space.linear(i / (double) (n - 1)) * 65535));
        }
        return curve.array();
    }

    private static byte[] description(String name) {
        byte[] ascii = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(12 + ascii.length + 8 + 3 + 67).put(ascii("desc")).putInt(0).putInt(ascii.length).put(ascii)
                .putInt(0).putInt(0).putShort((short) 0).put((byte) 0).array();
    }

    private static byte[] text(String s) {
        byte[] ascii = (s + "\0").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + ascii.length).put(ascii("text")).putInt(0).put(ascii).array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int fixed(double v) {
        return (int) Math.round(v * 65536);
    }

    /** Bradford chromatic adaptation from {@code white} to D50. */
    private static double[][] bradford(double[] white) {
        double[][] m = {{0.8951, 0.2664, -0.1614}, {-0.7502, 1.7135, 0.0367}, {0.0389, -0.0685, 1.0296}};
        double[] source = multiply(m, new double[] {white[0] / white[1], 1, (1 - white[0] - white[1]) / white[1]});
        double[] target = multiply(m, new double[] {0.9642, 1.0, 0.8249});
        double[][] scale = {{target[0] / source[0], 0, 0}, {0, target[1] / source[1], 0}, {0, 0, target[2] / source[2]}};
        return multiply(invert(m), multiply(scale, m));
    }

    static double[] multiply(double[][] m, double[] v) {
        double[] out = new double[3];
        for (int r = 0; r < 3; r++) {
            out[r] = m[r][0] * v[0] + m[r][1] * v[1] + m[r][2] * v[2];
        }
        return out;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                out[r][c] = a[r][0] * b[0][c] + a[r][1] * b[1][c] + a[r][2] * b[2][c];
            }
        }
        return out;
    }

    static double[][] invert(double[][] m) {
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double[][] inv = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                int r1 = (c + 1) % 3;
                int r2 = (c + 2) % 3;
                int c1 = (r + 1) % 3;
                int c2 = (r + 2) % 3;
                inv[r][c] = (m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]) / det;
            }
        }
        return inv;
    }

    private static double[] solve(double[][] m, double[] v) {
        return multiply(invert(m), v);
    }
}
