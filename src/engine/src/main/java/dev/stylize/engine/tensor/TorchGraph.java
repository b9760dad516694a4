package dev.stylize.engine.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A TorchScript graph from the engine's resources ({@code tools/engine/}), run in one native call
 * where DJL would take one per operation. It lives as long as the manager it was loaded into.
 *
 * <p>A call's small arguments (indices, flags, a method's name, scalars) are made on the host
 * ({@link #arguments}): made on a GPU each would be a copy that waits for the device, and the graph
 * reads them back as numbers, another wait. A graph mixes them freely with device tensors: a
 * zero-dimensional CPU tensor is a scalar to a CUDA kernel.
 */
public final class TorchGraph {
    /** The host's memory for calls' small arguments, for the life of the process. */
    private static final NDManager HOST = NDManager.newBaseManager(Device.cpu());

    private final PtSymbolBlock module;

    private TorchGraph(PtSymbolBlock module) {
        this.module = module;
    }

    /** Loads {@code resource}, a file beside {@code owner}'s class, into {@code manager}. */
    public static TorchGraph load(NDManager manager, Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the engine's resources");
            }
            return new TorchGraph(JniUtils.loadModule((PtNDManager) manager, in, true, false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Host memory for one call's small arguments; close it once the call has returned. */
    public static NDManager arguments() {
        return HOST.newSubManager();
    }

    /**
     * Runs the graph as written, op by op under ordinary autograd, as PyTorch eager would. The
     * graph executor's optimiser (on by default, per thread) would profile each new input shape,
     * every tile size among them, and re-record the backward pass in its own differentiable graphs.
     * DJL routes inputs by name ({@code x[]} gathers a list, {@code module_method:m} calls method m,
     * a name with a dot is a dictionary's entry), so an input must be named as the graph wants it,
     * or not at all ({@link #unnamed}).
     *
     * @param results where the results live
     */
    public NDList run(NDList inputs, NDManager results) {
        JniUtils.setGraphExecutorOptimize(false);
        NDList out = IValueUtils.forward(module, inputs, true);
        out.attach(results);
        return out;
    }

    /** The same storage under {@code name} (null: none), freed with {@code scope}. */
    public static NDArray named(NDArray array, String name, NDManager scope) {
        NDArray view = array.reshape(array.getShape());
        view.setName(name);
        view.attach(scope);
        return view;
    }

    /** The same storage without a name (an optimiser's state array carries its checkpoint name), freed with {@code scope}. */
    public static NDArray unnamed(NDArray array, NDManager scope) {
        return named(array, null, scope);
    }

    /** Calls {@code method} of the graph: an input, anywhere among them, that names it. */
    public static NDArray method(String method, NDManager arguments) {
        NDArray marker = arguments.create(0f);
        marker.setName("module_method:" + method);
        return marker;
    }
}
