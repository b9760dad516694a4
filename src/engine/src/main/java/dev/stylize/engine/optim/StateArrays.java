package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/** The optimisers' state arrays: kept in the optimiser's manager, named for snapshots. */
final class StateArrays {
    private StateArrays() {
    }

    /** Moves {@code array} into {@code manager}, which owns it from now on. */
    static NDArray keep(NDManager manager, NDArray array) {
        array.attach(manager);
        return array;
    }

    /**
     * A copy in {@code manager} of the state's array {@code name}, which must have {@code size}
     * elements: a checkpoint from another image, or a damaged one, is refused here rather than
     * failing steps later.
     */
    static NDArray restore(NDManager manager, NDList state, String name, long size) {
        NDArray array = state.get(name);
        if (array == null) {
            throw new DamagedCheckpointException("the checkpoint has no " + name);
        }
        if (array.size() != size || array.getDataType() != DataType.FLOAT32) {
            throw new DamagedCheckpointException("the checkpoint's " + name + " has " + array.size() + " " + array.getDataType()
                    + " values, the image needs " + size + " float32");
        }
        return keep(manager, array.duplicate());
    }

    /** A scalar of the state that must be a finite number from {@code min} to {@code max}. */
    static double requireNumber(String name, double value, double min, double max) {
        if (!Double.isFinite(value) || value < min || value > max) {
            throw new DamagedCheckpointException("the checkpoint's " + name + " is " + value + ", out of range");
        }
        return value;
    }

    static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
