package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Moves the image one step per loss evaluation. Implementations keep their state in the
 * manager they were made with and free every temporary before {@link #step} returns.
 */
public interface ImageOptimizer {

    /**
     * @param image    updated in place
     * @param gradient d(loss)/d(image) at {@code image}, same shape
     */
    void step(NDArray image, NDArray gradient);

    /** The state needed to continue exactly, as named arrays (names start with the optimiser's). */
    NDList state();

    /**
     * Continues from {@link #state()} taken earlier; arrays are copied into this optimiser's manager.
     *
     * @param imageSize the number of values in the image the state must belong to
     * @throws DamagedCheckpointException when the state is missing, damaged or from another image
     */
    void restore(NDList state, long imageSize);
}
