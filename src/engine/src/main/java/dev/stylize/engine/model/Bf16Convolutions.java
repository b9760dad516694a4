package dev.stylize.engine.model;

import dev.stylize.plan.VggLayer;
import dev.stylize.plan.Pooling;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * VGG19's convolutions in bfloat16, run by a small TorchScript graph
 * ({@code tools/engine/export_vgg19_bf16.py}): DJL 0.36 has no bfloat16 type of its own
 * (casting to it aborts the JVM), but a graph can cast inside itself. The graph holds no
 * weights; it is handed bf16 copies of ours once. Autograd runs through it, so the float32
 * image gets its gradient as with the float32 network.
 */
final class Bf16Convolutions implements AutoCloseable {
    private static final String GRAPH = "vgg19-features-bf16.pt";
    /** DJL's naming convention: arrays named {@code x[]} reach TorchScript as one List[Tensor]. */
    private static final String KERNELS = "kernels[]";
    private static final String BIASES = "biases[]";

    private final NDManager manager;
    private final PtSymbolBlock graph;
    private final List<NDArray> kernels;
    private final List<NDArray> biases;
    private final boolean averagePooling;

    Bf16Convolutions(Vgg19Weights weights, Pooling pooling) {
        manager = weights.kernels().get(VggLayer.CONV1_1).getManager().newSubManager();
        try (InputStream in = Bf16Convolutions.class.getResourceAsStream(GRAPH)) {
            if (in == null) {
                throw new IllegalStateException(GRAPH + " is missing from the engine's resources");
            }
            graph = JniUtils.loadModule((PtNDManager) manager, in, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kernels = prepare(weights.kernels());
        biases = prepare(weights.biases());
        averagePooling = pooling == Pooling.AVG;
    }

    /** The post-ReLU activations of {@code taps}, float32, in the image's manager. */
    Map<VggLayer, NDArray> extract(NDArray image, Set<VggLayer> taps) {
        List<VggLayer> ordered = new ArrayList<>(new TreeSet<>(taps));
        NDManager scope = image.getManager();
        NDList inputs = new NDList();
        inputs.add(view(image, null)); // first: the results join its manager
        kernels.forEach(k -> inputs.add(view(k, KERNELS)));
        biases.forEach(b -> inputs.add(view(b, BIASES)));
        inputs.add(scope.create(ordered.stream().mapToLong(VggLayer::ordinal).toArray()));
        inputs.add(scope.create(averagePooling));
        NDList activations = IValueUtils.forward(graph, inputs, true);
        Map<VggLayer, NDArray> out = new EnumMap<>(VggLayer.class);
        for (int i = 0; i < ordered.size(); i++) {
            out.put(ordered.get(i), activations.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    private List<NDArray> prepare(Map<VggLayer, NDArray> tensors) {
        NDList inputs = new NDList();
        NDArray method = manager.create(0f);
        method.setName("module_method:prepare");
        inputs.add(method);
        for (VggLayer layer : VggLayer.values()) {
            inputs.add(view(tensors.get(layer), "tensors[]"));
        }
        // Training mode: copies made without autograd would be inference tensors, which the
        // backward pass refuses to save.
        NDList prepared = IValueUtils.forward(graph, inputs, true);
        prepared.attach(manager);
        return List.copyOf(prepared);
    }

    /** The same storage under another name: DJL routes graph inputs by their names. */
    private static NDArray view(NDArray array, String name) {
        NDArray view = array.reshape(array.getShape());
        view.setName(name);
        return view;
    }

    @Override
    public void close() {
        manager.close();
    }
}
