package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** L-BFGS's first step: PyTorch's rule, or at a finer scale the coarser scale's last step size per pixel. */
class LbfgsTest {

    @Test
    void pyTorchsFirstStepMovesTheWholeImageByTheLearningRateInL1() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.zeros(new Shape(1, 3, 64, 48));
            NDArray gradient = manager.randomNormal(new Shape(1, 3, 64, 48));
            Lbfgs lbfgs = new Lbfgs(manager, 0.5, Lbfgs.HISTORY, 0);
            lbfgs.step(image, gradient);
            assertEquals(0.5, image.abs().sum().getFloat(), 1e-4, "min(1, 1/|g|_1) * lr along -g");
            assertEquals(Math.sqrt(image.square().mean().getFloat()), lbfgs.lastStepRms(), 1e-9, "the step taken, per pixel");
        }
    }

    @Test
    void aFinerScalesFirstStepIsAsLargePerPixelAsTheCoarserScalesLastWhateverTheImageSize() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int side : new int[] {16, 512}) {
                NDArray image = manager.zeros(new Shape(1, 3, side, side));
                NDArray gradient = manager.randomNormal(new Shape(1, 3, side, side)).mul(1000f);
                Lbfgs lbfgs = new Lbfgs(manager, 1.0, 5, 0.01);
                lbfgs.step(image, gradient);
                double rms = Math.sqrt(image.square().mean().getFloat());
                assertEquals(0.01, rms, 1e-6, side + " px");
                assertEquals(0.01, lbfgs.lastStepRms(), 1e-6);
                NDArray direction = image.div(gradient.neg());
                assertEquals(direction.max().getFloat(), direction.min().getFloat(), 1e-6, "along -g");
            }
        }
    }

    @Test
    void aZeroGradientAtAFinerScaleLeavesTheImageAsItIs() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray image = manager.ones(new Shape(1, 3, 8, 8));
            new Lbfgs(manager, 1.0, 5, 0.01).step(image, manager.zeros(new Shape(1, 3, 8, 8)));
            assertEquals(image.size(), image.sum().getFloat(), 0, "no NaN, no change");
        }
    }
}
