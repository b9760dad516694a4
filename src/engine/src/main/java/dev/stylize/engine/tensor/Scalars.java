package dev.stylize.engine.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

    /**
     * {@code a * s}, safe under autograd. Not {@code a.mul(Number)}: DJL 0.36 builds that scalar
     * on a Java direct buffer and closes it as soon as the product exists, while autograd keeps
     * the tensor for the backward pass; once the garbage collector frees the buffer, backward
     * multiplies by whatever is in that memory (wrong gradients, then NaN). Here the scalar
     * belongs to {@code a}'s manager and lives until that scope closes, after backward.
     */
    public static NDArray times(NDArray a, double s) {
        NDArray scalar = a.getDataType() == DataType.FLOAT64
                ? a.getManager().create(s)
                : a.getManager().create((float) s);
        return a.mul(scalar);
    }

    /** {@code values} as an array of {@code manager}'s, in {@code like}'s precision: float64 stays, else float32. */
    public static NDArray arrayLike(NDManager manager, NDArray like, double[] values) {
        if (like.getDataType() == DataType.FLOAT64) {
            return manager.create(values);
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return manager.create(floats);
    }

    /** The value of a one-element array, whatever its precision. */
    public static double value(NDArray a) {
        return a.toType(DataType.FLOAT64, false).getDouble();
    }
}
