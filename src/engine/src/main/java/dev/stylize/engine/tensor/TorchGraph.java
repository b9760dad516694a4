package dev.stylize.engine.tensor;

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
 */
public final class TorchGraph {
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

    /**
     * Runs the graph as written, op by op under ordinary autograd, as PyTorch eager would. The
     * graph executor's optimiser (on by default, per thread) would profile each new input shape,
     * every tile size among them, and re-record the backward pass in its own differentiable graphs.
     * Results join the first input's manager; DJL routes inputs by name ({@code x[]} gathers a
     * list, {@code module_method:m} calls method m), so an input must be named as the graph wants
     * it, or not at all ({@link #unnamed}).
     */
    public NDList run(NDList inputs) {
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(module, inputs, true);
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
}
