package dev.stylize.plan;

/** How the image is moved: Adam, or L-BFGS with a fixed step (one loss evaluation per step). */
public enum OptimizerKind {
    ADAM, LBFGS;

    /** The learning rate this optimiser usually runs with, when switching to it gives none. */
    double usualLearningRate() {
        return this == LBFGS ? 1.0 : 0.02;
    }
}
