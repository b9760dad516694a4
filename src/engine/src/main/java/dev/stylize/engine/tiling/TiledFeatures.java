package dev.stylize.engine.tiling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.plan.VggLayer;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/** A forward pass over an image of any size, one tile at a time, without gradients. */
public final class TiledFeatures {

    /** Receives one tile's activations at its own positions. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * @param own for each tap the tile owns positions of, (1, C, h, w) activations; they are
         *            freed when this returns, so copy what must outlive it
         */
        void visit(Tile tile, Map<VggLayer, NDArray> own);
    }

    private TiledFeatures() {
    }

    /**
     * Runs VGG over each tile's crop and hands the activations at the tile's own positions to
     * {@code visitor}. Over all tiles these are exactly the whole image's activations, each
     * position once, so Gram matrices accumulate and feature maps assemble from them. Only one
     * crop's activations are alive at a time.
     *
     * @param image (1, 3, H, W), the size {@code grid} was made for
     */
    public static void forEachTile(Vgg19Features vgg, NDArray image, TileGrid grid, Set<VggLayer> taps,
                                   Visitor visitor) {
        for (Tile tile : grid.tiles()) {
            try (NDManager scope = image.getManager().newSubManager()) {
                NDArray crop = image.get(tile.crop());
                crop.attach(scope);
                Map<VggLayer, NDArray> own = new EnumMap<>(VggLayer.class);
                vgg.extract(crop, taps).forEach((layer, features) -> {
                    if (tile.ownsPositionsAt(layer)) {
                        own.put(layer, features.get(tile.ownInCrop(layer)));
                    }
                });
                visitor.visit(tile, own);
            }
        }
    }
}
