package dev.stylize.engine.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd recording on the calling thread, for as long as this is open. DJL's GradientCollector
 * allows one per process (a static flag), but what it switches, libtorch's grad mode, is kept per
 * thread: so each job's thread records its own steps, and a worker runs several jobs at once.
 */
public final class Autograd implements AutoCloseable {
    private final boolean wasRecording;

    private Autograd() {
        wasRecording = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Records the operations this thread runs until {@link #close()}. */
    public static Autograd record() {
        return new Autograd();
    }

    /** Backpropagates a one-element {@code loss} into the gradients of the arrays that require one. */
    public void backward(NDArray loss) {
        try (NDArray one = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) one, false, false);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(wasRecording);
    }
}
