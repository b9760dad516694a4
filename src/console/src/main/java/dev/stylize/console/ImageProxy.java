package dev.stylize.console;

import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ImageEncoder;
import dev.stylize.images.ImageHeader;
import dev.stylize.images.InvalidImageException;
import dev.stylize.images.RgbImages;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.store.ObjectStore;
import dev.stylize.jobs.store.StoredObject;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * The bucket's images as the page shows them, read with the console's own credentials: the
 * browser never gets an S3 URL. Thumbnails are scaled down here (never up) and kept, by key, ETag
 * and width, in a cache bounded in bytes; originals the browser cannot show (TIFF) become PNG.
 */
final class ImageProxy {
    /** The widths a thumbnail may have, so the cache holds few variants of an image. */
    static final Set<Integer> WIDTHS = Set.of(160, 320, 640, 1280);
    private static final Set<String> BROWSER_FORMATS = Set.of("png", "jpeg", "webp");
    /** Originals smaller than this (checkpoints, results) are cached too. */
    private static final int CACHED_ORIGINAL_BYTES = 2 * 1024 * 1024;

    /** An image to send; {@code etag} is the object's. */
    record Image(byte[] bytes, String contentType, String etag) {
    }

    private final ObjectStore store;
    private final ImageDecoder decoder;
    private final long cacheBytes;
    private final Map<String, Image> cache = new LinkedHashMap<>(64, 0.75f, true);
    private long cachedBytes;
    /** Decoding a 40-megapixel photo takes about 0.5 GB: a few at a time. */
    private final Semaphore decoding = new Semaphore(2);

    ImageProxy(ObjectStore store, long maxPixels, long cacheBytes) {
        this.store = store;
        this.decoder = new ImageDecoder(maxPixels);
        this.cacheBytes = cacheBytes;
    }

    /**
     * Keys the page may show: photos, paintings, checkpoint images and results. Not manifests,
     * weights, checkpoint states or anything outside the service's layout.
     */
    static boolean isImageKey(String key) {
        if (!JobLayout.isSafeKey(key)) {
            return false;
        }
        if (key.startsWith(JobLayout.STYLES) || key.startsWith(JobLayout.INBOX) || key.startsWith(JobLayout.UPLOADS)) {
            return !key.endsWith("/");
        }
        String[] parts = key.split("/");
        return key.startsWith(JobLayout.RESULTS) && ((parts.length == 3 && parts[2].startsWith("result."))
                || (parts.length == 4 && parts[2].equals("checkpoints") && parts[3].endsWith(".png")));
    }

    /**
     * @param width 0 for the original, else one of {@link #WIDTHS}
     * @return empty when there is no such object
     * @throws InvalidImageException when the object is not an image (a rejected upload, say)
     */
    Optional<Image> get(String key, int width) throws InterruptedException {
        Optional<String> etag = store.describe(key).map(StoredObject::etag);
        if (etag.isEmpty()) {
            return Optional.empty();
        }
        String cacheKey = key + "\n" + etag.get() + "\n" + width;
        synchronized (cache) {
            Image cached = cache.get(cacheKey);
            if (cached != null) {
                return Optional.of(cached);
            }
        }
        Optional<byte[]> bytes = store.read(key);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        String name = key.substring(key.lastIndexOf('/') + 1);
        Image image = render(bytes.get(), name, width, etag.get());
        if (width > 0 || image.bytes().length <= CACHED_ORIGINAL_BYTES) {
            remember(cacheKey, image);
        }
        return Optional.of(image);
    }

    private Image render(byte[] bytes, String name, int width, String etag) throws InterruptedException {
        ImageHeader header = ImageHeader.read(bytes, name);
        boolean fits = width == 0 || Math.max(header.width(), header.height()) <= width;
        if (fits && BROWSER_FORMATS.contains(header.format())) {
            return new Image(bytes, "image/" + header.format(), etag);
        }
        decoding.acquire();
        try {
            BufferedImage decoded = decoder.decode(bytes, name);
            if (width == 0 || Math.max(decoded.getWidth(), decoded.getHeight()) <= width) {
                return new Image(ImageEncoder.PNG.encode(decoded), ImageEncoder.PNG.contentType(), etag);
            }
            BufferedImage thumbnail = RgbImages.fitLongestSide(decoded, width);
            return new Image(ImageEncoder.JPEG.encode(thumbnail), ImageEncoder.JPEG.contentType(), etag);
        } finally {
            decoding.release();
        }
    }

    private void remember(String cacheKey, Image image) {
        synchronized (cache) {
            Image replaced = cache.put(cacheKey, image);
            cachedBytes += image.bytes().length - (replaced == null ? 0 : replaced.bytes().length);
            var oldest = cache.entrySet().iterator();
            while (cachedBytes > cacheBytes && oldest.hasNext()) {
                cachedBytes -= oldest.next().getValue().bytes().length;
                oldest.remove();
            }
        }
    }
}
