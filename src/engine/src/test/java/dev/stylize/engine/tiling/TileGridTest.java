package dev.stylize.engine.tiling;

import dev.stylize.plan.VggLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TileGridTest {

    @Test
    void theHaloCoversTheReceptiveFieldOfTheDeepestLayer() {
        assertEquals(80, TileGrid.halo(VggLayer.CONV5_1), "conv5_1 reaches 70 px beyond its 16 px block");
        assertEquals(48, TileGrid.halo(VggLayer.CONV4_2), "conv4_2 reaches 38 px beyond its 8 px block");
        assertEquals(16, TileGrid.halo(VggLayer.CONV1_1), "conv1_1 reaches 1 px");
    }

    @ParameterizedTest
    @CsvSource({"75, 53, 32", "3000, 1700, 1024", "1000, 17, 128", "33, 400, 16", "512, 512, 512"})
    void ownPositionsPartitionEveryFeatureMapAndCropsAreAligned(int width, int height, int tileSize) {
        TileGrid grid = TileGrid.of(width, height, tileSize, VggLayer.CONV5_1);
        int halo = TileGrid.halo(VggLayer.CONV5_1);
        for (VggLayer layer : VggLayer.values()) {
            int k = layer.poolings();
            int[][] owners = new int[height >> k][width >> k];
            for (Tile tile : grid.tiles()) {
                for (int y = tile.y().ownStart(k); y < tile.y().ownEnd(k); y++) {
                    for (int x = tile.x().ownStart(k); x < tile.x().ownEnd(k); x++) {
                        owners[y][x]++;
                    }
                }
            }
            for (int[] row : owners) {
                for (int n : row) {
                    assertEquals(1, n, layer.label() + ": every position has exactly one owner");
                }
            }
        }
        for (Tile tile : grid.tiles()) {
            for (Span s : new Span[] {tile.x(), tile.y()}) {
                assertEquals(0, s.cropStart() % TileGrid.ALIGNMENT, "crops start on the pooling grid");
                assertEquals(0, s.ownStart() % TileGrid.ALIGNMENT, "own pixels start on the pooling grid");
                assertTrue(s.ownEnd() - s.ownStart() <= tileSize, "own pixels at most the tile size");
                assertTrue(s.cropStart() == 0 || s.cropStart() <= s.ownStart() - halo, "a full halo before");
                assertTrue(s.cropEnd() == s.side() || s.cropEnd() >= s.ownEnd() + halo, "a full halo after");
                assertTrue(s.cropEnd() == s.side() || s.cropEnd() % TileGrid.ALIGNMENT == 0,
                        "crops end on the pooling grid or at the image's edge");
            }
        }
    }

    @Test
    void anImageWithinOneTileIsOneWholeTile() {
        TileGrid grid = TileGrid.of(300, 200, 320, VggLayer.CONV5_1);
        assertTrue(grid.isWhole());
        assertEquals(300L * 200, grid.largestCropPixels());
    }
}
