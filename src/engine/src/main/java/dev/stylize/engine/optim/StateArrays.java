package dev.stylize.engine.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The optimisers' state arrays: kept in the optimiser's manager, named for snapshots. */
final class StateArrays {
    private StateArrays() {
    }

    /** Moves {@code array} into {@code manager}, which owns it from now on. */
    static NDArray keep(NDManager manager, NDArray array) {
        array.attach(manager);
        return array;
    }

    static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
