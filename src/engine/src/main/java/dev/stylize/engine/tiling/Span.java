package dev.stylize.engine.tiling;

/**
 * A tile's extent along one side of the image, in image pixels: the positions it owns,
 * [{@code ownStart}, {@code ownEnd}), inside the crop it is run on, [{@code cropStart},
 * {@code cropEnd}). Starts are multiples of {@link TileGrid#ALIGNMENT}; so is {@code ownEnd}
 * unless it is the image's edge.
 *
 * @param side the image's length along this side
 */
public record Span(int side, int ownStart, int ownEnd, int cropStart, int cropEnd) {

    static Span whole(int side) {
        return new Span(side, 0, side, 0, side);
    }

    public int cropLength() {
        return cropEnd - cropStart;
    }

    /** First own position in a feature map with {@code poolings} 2x2 pools, image coordinates. */
    int ownStart(int poolings) {
        return ownStart >> poolings;
    }

    /**
     * End of the own positions in that feature map. At the image's edge it is the map's end,
     * floor(side / 2^k): floor-mode pooling drops an odd last row or column.
     */
    int ownEnd(int poolings) {
        return ownEnd == side ? side >> poolings : ownEnd >> poolings;
    }
}
