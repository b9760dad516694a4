package dev.stylize.engine.tiling;

import ai.djl.ndarray.index.NDIndex;
import dev.stylize.plan.VggLayer;

/** One tile of a {@link TileGrid}: its spans across (x) and down (y) the image. */
public record Tile(Span x, Span y) {

    /** The crop to run through VGG, as an index into the (1, 3, H, W) image. */
    public NDIndex crop() {
        return new NDIndex(":, :, {}:{}, {}:{}", y.cropStart(), y.cropEnd(), x.cropStart(), x.cropEnd());
    }

    /** Whether the tile owns any position of {@code layer}'s feature map (a thin edge tile may not at conv5_1). */
    public boolean ownsPositionsAt(VggLayer layer) {
        int k = layer.poolings();
        return x.ownEnd(k) > x.ownStart(k) && y.ownEnd(k) > y.ownStart(k);
    }

    /** The own positions within the crop's (1, C, h, w) activations at {@code layer}. */
    public NDIndex ownInCrop(VggLayer layer) {
        int k = layer.poolings();
        int dx = x.cropStart() >> k;
        int dy = y.cropStart() >> k;
        return new NDIndex(":, :, {}:{}, {}:{}", y.ownStart(k) - dy, y.ownEnd(k) - dy, x.ownStart(k) - dx, x.ownEnd(k) - dx);
    }

    /** The same positions within the whole image's (1, C, H/2^k, W/2^k) activations. */
    public NDIndex ownInImage(VggLayer layer) {
        int k = layer.poolings();
        return new NDIndex(":, :, {}:{}, {}:{}", y.ownStart(k), y.ownEnd(k), x.ownStart(k), x.ownEnd(k));
    }
}
