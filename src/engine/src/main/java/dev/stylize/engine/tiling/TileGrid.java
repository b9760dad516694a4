package dev.stylize.engine.tiling;

import dev.stylize.plan.VggLayer;

import java.util.ArrayList;
import java.util.List;

/**
 * Tiles covering an image for exact tiled evaluation. Each tile owns a rectangle of pixels;
 * the tiles' own rectangles partition the image, and so do their own feature positions at
 * every layer. Each tile is run through VGG as a crop: its own rectangle plus a halo as wide as
 * the deepest layer's receptive field reaches, so the activations at its own positions are
 * exactly those of the whole image (the zero padding at a crop's inner edges only disturbs
 * positions inside the halo).
 *
 * <p>Own rectangles and crops start on multiples of {@value #ALIGNMENT} px, so every 2x2 pooling
 * window of a crop is one of the whole image's. Where a tile meets the right or bottom edge, its
 * crop ends with the image, and floor-mode pooling drops an odd last row or column there just as
 * it does for the whole image.
 */
public record TileGrid(int width, int height, List<Tile> tiles) {
    /** VGG pools 2x2 four times before conv5_1: 2^4 px. */
    public static final int ALIGNMENT = 16;

    public TileGrid {
        tiles = List.copyOf(tiles);
    }

    /** One tile: the whole image, no halo (the untiled evaluation). */
    public static TileGrid whole(int width, int height) {
        return new TileGrid(width, height, List.of(new Tile(Span.whole(width), Span.whole(height))));
    }

    /**
     * Tiles whose own rectangles are at most {@code tileSize} px a side, as evenly sized as the
     * alignment allows, with the halo {@code deepest} needs; one whole tile when the image fits.
     *
     * @param tileSize a multiple of {@value #ALIGNMENT}, or {@link Integer#MAX_VALUE}: never tile
     */
    public static TileGrid of(int width, int height, int tileSize, VggLayer deepest) {
        if (width <= tileSize && height <= tileSize) {
            return whole(width, height);
        }
        if (tileSize < ALIGNMENT || tileSize % ALIGNMENT != 0) {
            throw new IllegalArgumentException("tile size must be a positive multiple of " + ALIGNMENT + ", got " + tileSize);
        }
        int halo = halo(deepest);
        List<Tile> tiles = new ArrayList<>();
        for (Span y : spans(height, tileSize, halo)) {
            for (Span x : spans(width, tileSize, halo)) {
                tiles.add(new Tile(x, y));
            }
        }
        return new TileGrid(width, height, tiles);
    }

    /**
     * The halo, in image pixels, that makes a crop's activations exact at its own positions up to
     * {@code deepest}: the receptive field's reach beyond a position's own 2^k x 2^k block,
     * rounded up to the alignment (70 px, so 80, for conv5_1; 38, so 48, for conv4_2). Walks from
     * the layer down to the image: a 3x3 convolution widens the field by one position each side,
     * a 2x2 pool maps positions [lo, hi] to [2 lo, 2 hi + 1].
     */
    public static int halo(VggLayer deepest) {
        VggLayer[] layers = VggLayer.values();
        int lo = 0;
        int hi = 0;
        for (int i = deepest.ordinal(); i >= 0; i--) {
            lo -= 1;
            hi += 1;
            if (i > 0 && layers[i - 1].poolsAfter()) {
                lo = 2 * lo;
                hi = 2 * hi + 1;
            }
        }
        int block = 1 << deepest.poolings();
        int reach = Math.max(-lo, hi - (block - 1));
        return (reach + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Balanced spans of whole alignment units; the last one ends with the image. */
    private static List<Span> spans(int side, int tileSize, int halo) {
        int units = (side + ALIGNMENT - 1) / ALIGNMENT;
        int count = (units + tileSize / ALIGNMENT - 1) / (tileSize / ALIGNMENT);
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int start = ALIGNMENT * (int) ((long) i * units / count);
            int end = i == count - 1 ? side : ALIGNMENT * (int) ((long) (i + 1) * units / count);
            spans.add(new Span(side, start, end, Math.max(0, start - halo), Math.min(side, end + halo)));
        }
        return spans;
    }

    /** Whether this is the single whole-image tile. */
    public boolean isWhole() {
        return tiles.size() == 1;
    }

    /** The largest crop's pixel count: what sizes the memory one tile's evaluation needs. */
    public long largestCropPixels() {
        return tiles.stream().mapToLong(t -> (long) t.x().cropLength() * t.y().cropLength()).max().orElseThrow();
    }
}
