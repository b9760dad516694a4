package dev.stylize.images;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An upload's bytes as an ImageIO stream: read in place (no temp files, no copy), with a known
 * length so readers can check offsets against it, and a limit on reading past the end.
 *
 * <p>The limit is for readers that take the end of the data as a run of zero bits and go on
 * decoding: the lossless WebP reader, given a truncated file, catches an end-of-file exception
 * for every few bits of every remaining pixel (about 8 KB of garbage and a stack trace each,
 * gigabytes for a large image). A reader that works asks past the end a few times at most.
 */
final class UploadStream extends ImageInputStreamImpl {
    /** Reads past the end a reader may make before the upload counts as truncated. */
    static final int READS_PAST_END = 256;

    private final byte[] data;
    private int readsPastEnd;

    UploadStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() {
        if (streamPos >= data.length) {
            return pastEnd();
        }
        bitOffset = 0;
        return data[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (streamPos >= data.length) {
            return pastEnd();
        }
        int count = (int) Math.min(data.length - streamPos, length);
        bitOffset = 0;
        System.arraycopy(data, (int) streamPos, buffer, offset, count);
        streamPos += count;
        return count;
    }

    private int pastEnd() {
        if (++readsPastEnd > READS_PAST_END) {
            // Unchecked, so that a reader's catch of end-of-file cannot swallow it.
            throw new TruncatedException();
        }
        return -1;
    }

    @Override
    public long length() {
        return data.length;
    }

    @Override
    public boolean isCached() {
        return true;
    }

    @Override
    public boolean isCachedMemory() {
        return true;
    }

    /** The reader kept asking for bytes the upload does not have. */
    static final class TruncatedException extends RuntimeException {
        TruncatedException() {
            super("the data ends before the image does", null, false, false);
        }
    }
}
