package dev.stylize.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Scalars in an array's own precision. DJL turns a Java double into a float64 array, so
 * {@code float32.mul(0.5)} silently promotes to float64 (and in-place ops fail).
 */
public final class Scalars {
    private Scalars() {
    }

    public static Number like(NDArray array, double value) {
        return array.getDataType() == DataType.FLOAT64 ? (Number) value : (Number) (float) value;
    }

    public static NDArray times(NDArray a, double s) {
        return a.mul(like(a, s));
    }

    /** The value of a one-element array, whatever its precision. */
    public static double value(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }
}
