package dev.stylize.images;

import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a lossless WebP (VP8L) bitstream up to its prefix-code groups and refuses the two ways
 * it can make the WebP reader allocate far beyond the image: a transform given more than once
 * (the reader keeps every transform's data; the format allows each once), and an entropy image
 * naming more prefix-code groups than it has tiles (the reader builds five code tables for every
 * group up to the largest number named, about 5 KB each, so one 1x1 image can ask for 65,536).
 *
 * <p>This decodes no pixels: transform data and the entropy image are entropy-coded images,
 * walked symbol by symbol with nothing kept but the largest group number seen (a copied pixel
 * repeats an earlier one, so literals alone decide it). Codes that do not form a complete
 * prefix code, which encoders never write and decoders disagree on, are refused as damage.
 * Bytes running out is not damage here: the intake sees only the start of a file, and a
 * decoder meeting the end of a whole file refuses it anyway.
 *
 * <p>Format: RFC 9649, section 3 onwards.
 */
final class LosslessWebp {
    private static final int GREEN_LITERALS = 256;
    private static final int LENGTH_CODES = 24;
    private static final int DISTANCE_CODES = 40;
    private static final int[] CODE_LENGTH_ORDER = {17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    private static final int MAX_CODE_LENGTH = 15;

    private final byte[] f;
    private final long end;
    private final String name;
    private long bit;

    private LosslessWebp(byte[] f, long start, long end, String name) {
        this.f = f;
        this.end = end;
        this.name = name;
        this.bit = start * 8;
    }

    /**
     * The image stream in {@code f[start, end)}: a VP8L chunk's after its 5-byte header, or an
     * ALPH chunk's lossless data after its 1-byte header; {@code width} and {@code height} are
     * what the reader decodes it as (the frame's, whatever the bitstream's header says).
     */
    static void check(byte[] f, long start, long end, int width, int height, String name) {
        try {
            new LosslessWebp(f, start, end, name).mainImage(width, height);
        } catch (OutOfBytes e) {
            // the bytes at hand end before the groups: nothing is allocated on their say-so
        }
    }

    private void mainImage(int width, int height) {
        int xSize = width;
        boolean[] seen = new boolean[4];
        while (bits(1) == 1) {
            int type = bits(2);
            if (seen[type]) {
                throw damaged("it repeats a transform");
            }
            seen[type] = true;
            switch (type) {
                case 0, 1 -> { // predictor, colour: a sub-image of blocks
                    int sizeBits = bits(3) + 2;
                    skipImage(divRoundUp(xSize, sizeBits), divRoundUp(height, sizeBits));
                }
                case 3 -> { // colour indexing: a colour table, then pixels packed by its size
                    int colours = bits(8) + 1;
                    skipImage(colours, 1);
                    int widthBits = colours > 16 ? 0 : colours > 4 ? 1 : colours > 2 ? 2 : 3;
                    xSize = divRoundUp(xSize, widthBits);
                }
                default -> { // subtract green: no data
                }
            }
        }
        colourCacheBits();
        if (bits(1) == 1) {
            int prefixBits = bits(3) + 2;
            long tiles = (long) divRoundUp(xSize, prefixBits) * divRoundUp(height, prefixBits);
            long groups = 1 + skipImage(divRoundUp(xSize, prefixBits), divRoundUp(height, prefixBits));
            if (groups > tiles) {
                throw damaged(String.format(Locale.ROOT, "it names %,d groups of prefix codes where its tiles need at most %,d", groups, tiles));
            }
        }
    }

    /**
     * Walks an entropy-coded image of {@code width * height} pixels without keeping it;
     * returns the largest group number a literal pixel names (its red and green bytes).
     */
    private long skipImage(int width, int height) {
        int cacheBits = colourCacheBits();
        int cacheSize = cacheBits == 0 ? 0 : 1 << cacheBits;
        PrefixCode green = readCode(GREEN_LITERALS + LENGTH_CODES + cacheSize);
        PrefixCode red = readCode(256);
        PrefixCode blue = readCode(256);
        PrefixCode alpha = readCode(256);
        PrefixCode distance = readCode(DISTANCE_CODES);
        long pixels = (long) width * height;
        long largest = 0;
        for (long done = 0; done < pixels; ) {
            int symbol = green.read(this);
            if (symbol < GREEN_LITERALS) {
                largest = Math.max(largest, (long) red.read(this) << 8 | symbol);
                blue.read(this);
                alpha.read(this);
                done++;
            } else if (symbol < GREEN_LITERALS + LENGTH_CODES) { // a copy of earlier pixels
                done += prefixValue(symbol - GREEN_LITERALS);
                prefixValue(distance.read(this));
            } else { // a colour from the cache: an earlier pixel too
                done++;
            }
        }
        return largest;
    }

    private int colourCacheBits() {
        if (bits(1) == 0) {
            return 0;
        }
        int cacheBits = bits(4);
        if (cacheBits < 1 || cacheBits > 11) {
            throw damaged("its colour cache has a size the format does not allow");
        }
        return cacheBits;
    }

    /** The LZ77 length or distance for a prefix symbol, reading its extra bits. */
    private long prefixValue(int symbol) {
        if (symbol < 4) {
            return symbol + 1;
        }
        int extraBits = (symbol - 2) >> 1;
        long offset = (long) (2 + (symbol & 1)) << extraBits;
        return offset + bits(extraBits) + 1;
    }

    // ---- prefix codes ----

    private PrefixCode readCode(int alphabet) {
        if (bits(1) == 1) { // simple: one or two symbols
            int count = bits(1) + 1;
            int first = bits(bits(1) == 1 ? 8 : 1);
            int second = count == 2 ? bits(8) : first;
            if (first >= alphabet || second >= alphabet) {
                throw damaged("a prefix code names a symbol its alphabet does not have");
            }
            return PrefixCode.simple(first, second, count);
        }
        int[] codeLengthLengths = new int[CODE_LENGTH_ORDER.length];
        int stored = 4 + bits(4);
        for (int i = 0; i < stored; i++) {
            codeLengthLengths[CODE_LENGTH_ORDER[i]] = bits(3);
        }
        PrefixCode codeLengths = PrefixCode.canonical(codeLengthLengths, this);
        long toRead = alphabet;
        if (bits(1) == 1) {
            toRead = 2 + bits(2 + 2 * bits(3));
        }
        int[] lengths = new int[alphabet];
        int previous = 8;
        for (int symbol = 0; symbol < alphabet && toRead > 0; toRead--) {
            int code = codeLengths.read(this);
            if (code < 16) {
                lengths[symbol++] = code;
                if (code != 0) {
                    previous = code;
                }
                continue;
            }
            int repeat = switch (code) {
                case 16 -> 3 + bits(2);
                case 17 -> 3 + bits(3);
                default -> 11 + bits(7);
            };
            if (symbol + repeat > alphabet) {
                throw damaged("a prefix code repeats past the end of its alphabet");
            }
            Arrays.fill(lengths, symbol, symbol + repeat, code == 16 ? previous : 0);
            symbol += repeat;
        }
        return PrefixCode.canonical(lengths, this);
    }

    /**
     * A prefix code as the format defines it: canonical, the first bit read being the code's
     * most significant. One symbol of a normal code is read as the WebP reader reads it: with
     * its length when the next bits are its (all-zero) code, else with no bits.
     */
    private record PrefixCode(int[] counts, int[] symbols, int first, int second, int kind) {
        private static final int ONE = 0;
        private static final int TWO = 1;
        private static final int LONE = 2;
        private static final int CANONICAL = 3;

        static PrefixCode simple(int first, int second, int count) {
            return new PrefixCode(null, null, first, second, count == 1 ? ONE : TWO);
        }

        static PrefixCode canonical(int[] lengths, LosslessWebp stream) {
            int[] counts = new int[MAX_CODE_LENGTH + 1];
            int used = 0;
            int lone = 0;
            for (int symbol = 0; symbol < lengths.length; symbol++) {
                if (lengths[symbol] != 0) {
                    counts[lengths[symbol]]++;
                    used++;
                    lone = symbol;
                }
            }
            if (used == 0) {
                throw stream.damaged("a prefix code has no symbols");
            }
            if (used == 1) {
                if (lengths[lone] > 8) {
                    throw stream.damaged("a prefix code of one symbol has a long code");
                }
                return new PrefixCode(null, null, lone, lengths[lone], LONE);
            }
            long left = 1; // Kraft: the code must use every code of every length exactly
            for (int length = 1; length <= MAX_CODE_LENGTH; length++) {
                left = (left << 1) - counts[length];
                if (left < 0) {
                    throw stream.damaged("a prefix code has more codes than bits for them");
                }
            }
            if (left != 0) {
                throw stream.damaged("a prefix code leaves codes unused");
            }
            int[] offsets = new int[MAX_CODE_LENGTH + 2];
            for (int length = 1; length <= MAX_CODE_LENGTH; length++) {
                offsets[length + 1] = offsets[length] + counts[length];
            }
            int[] symbols = new int[used];
            for (int symbol = 0; symbol < lengths.length; symbol++) {
                if (lengths[symbol] != 0) {
                    symbols[offsets[lengths[symbol]]++] = symbol;
                }
            }
            return new PrefixCode(counts, symbols, 0, 0, CANONICAL);
        }

        int read(LosslessWebp stream) {
            switch (kind) {
                case ONE:
                    return first;
                case TWO:
                    return stream.bits(1) == 0 ? first : second;
                case LONE:
                    int length = second;
                    if (stream.peek(length) == 0) {
                        stream.bits(length);
                    }
                    return first;
                default:
                    int code = 0;
                    int firstCode = 0;
                    int index = 0;
                    for (int len = 1; len <= MAX_CODE_LENGTH; len++) {
                        code |= stream.bits(1);
                        int count = counts[len];
                        if (code - firstCode < count) {
                            return symbols[index + code - firstCode];
                        }
                        index += count;
                        firstCode = (firstCode + count) << 1;
                        code <<= 1;
                    }
                    throw stream.damaged("a prefix code cannot be read"); // unreachable for a complete code
            }
        }
    }

    // ---- bits, least significant first ----

    private int bits(int count) {
        int value = peek(count);
        bit += count;
        return value;
    }

    private int peek(int count) {
        if (bit + count > end * 8) {
            throw OutOfBytes.INSTANCE;
        }
        int value = 0;
        for (int i = 0; i < count; i++) {
            long at = bit + i;
            value |= ((f[(int) (at >>> 3)] >> (at & 7)) & 1) << i;
        }
        return value;
    }

    private static int divRoundUp(int size, int bits) {
        return (int) (((long) size + (1L << bits) - 1) >> bits);
    }

    private InvalidImageException damaged(String why) {
        return new InvalidImageException(name + " is a damaged WebP: " + why);
    }

    /** The bytes at hand end: control flow only, so it carries no stack trace. */
    private static final class OutOfBytes extends RuntimeException {
        static final OutOfBytes INSTANCE = new OutOfBytes();

        private OutOfBytes() {
            super(null, null, false, false);
        }
    }
}
