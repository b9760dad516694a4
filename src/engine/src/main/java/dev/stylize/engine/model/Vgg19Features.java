package dev.stylize.engine.model;

import dev.stylize.engine.tensor.Scalars;
import dev.stylize.engine.tensor.TorchGraph;
import dev.stylize.plan.Pooling;
import dev.stylize.plan.VggLayer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * VGG19's frozen feature part, run by a small TorchScript graph ({@code tools/engine/export_vgg19.py})
 * in one native call per pass. In {@link Precision#BF16} the graph casts to bfloat16 inside itself
 * (DJL 0.36 has no bfloat16 type; casting to it aborts the JVM) and runs channels-last, the layout
 * oneDNN's bf16 convolutions want; otherwise it computes in the weights' own type, channels-first.
 * The graph holds no weights: it is handed copies of ours once, and nothing asks for their
 * gradients. Close this to free those copies.
 */
public final class Vgg19Features implements AutoCloseable {
    private static final String GRAPH = "vgg19-features.pt";
    /** DJL's naming convention: arrays named {@code x[]} reach TorchScript as one List[Tensor]. */
    private static final String KERNELS = "kernels[]";
    private static final String BIASES = "biases[]";

    private final NDManager manager;
    private final TorchGraph graph;
    private final List<NDArray> kernels;
    private final List<NDArray> biases;
    private final boolean averagePooling;
    private final Precision precision;
    private final GramMemo memo = new GramMemo();

    public Vgg19Features(Vgg19Weights weights, Pooling pooling, Precision precision) {
        this.manager = weights.kernels().get(VggLayer.CONV1_1).getManager().newSubManager();
        graph = TorchGraph.load(manager, Vgg19Features.class, GRAPH);
        boolean bf16 = precision == Precision.BF16;
        kernels = prepare(weights.kernels(), bf16, KERNELS);
        biases = prepare(weights.biases(), bf16, BIASES);
        averagePooling = pooling == Pooling.AVG;
        this.precision = precision;
    }

    /** The Gram matrices of paintings this network has computed: they hold for its weights, pooling and precision alone. */
    public GramMemo memo() {
        return memo;
    }

    /** The number format of the convolutions. */
    public Precision precision() {
        return precision;
    }

    /**
     * How {@link #extract}'s activations lie in memory: channels-last in bf16, where oneDNN's
     * bfloat16 convolutions want it; channels-first in float32, where libtorch 2.7.1's oneDNN
     * computes the backward pass twice as fast so (measured at 512 px).
     */
    public boolean channelsLast() {
        return precision == Precision.BF16;
    }

    /**
     * Runs the network only as deep as the deepest tap. Autograd records it when the image
     * requires a gradient while {@code Autograd} records; see {@link #backward}.
     *
     * @param image (1, 3, H, W), ImageNet-normalised
     * @return post-ReLU activations (1, C, H/2^k, W/2^k) for each tap, in the image's type and
     *         manager, channels-last in memory
     */
    public Map<VggLayer, NDArray> extract(NDArray image, Set<VggLayer> taps) {
        List<VggLayer> ordered = new ArrayList<>(new TreeSet<>(taps));
        NDList activations;
        try (NDManager arguments = TorchGraph.arguments()) {
            NDList inputs = new NDList(TorchGraph.unnamed(image, arguments));
            addNetwork(inputs, arguments, ordered);
            activations = graph.run(inputs, image.getManager());
        }
        Map<VggLayer, NDArray> out = new EnumMap<>(VggLayer.class);
        for (int i = 0; i < ordered.size(); i++) {
            out.put(ordered.get(i), activations.get(i));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The sums of squares of a whole image's loss terms and the loss's gradient, in one native call:
     * the graph's {@code evaluate} runs the forward pass, the terms and their closed-form gradients
     * (see {@code StyleObjective}) and the backward pass with the operations, in the order, that
     * {@link #extract}, the terms op by op and {@link #backward} would, so the numbers are the same,
     * without the dozens of JNI calls and Java objects the terms take op by op.
     *
     * @param image        (1, 3, H, W), ImageNet-normalised, left unchanged
     * @param styleTargets  the target Gram matrix (d, d) of each style layer; its iteration order is the terms'
     * @param contentTarget the photo's activations at the content layer, or null when {@code image} is the
     *                      photo: its own activations are then the target (Σ(T−C)² is 0) and come back as
     *                      {@link SquaredTerms#contentFeatures}, the same numbers {@link #extract} gives
     * @param factors       one per style layer, then one for the content layer: the factor f of each term's
     *                      gradient, f·(G−A)F or f·(T−C), rounded to the image's type (float64 stays float64,
     *                      as {@code Scalars.times} does)
     * @return the image's gradient, in its manager, and Σ(G−A)² of each style layer then Σ(T−C)²
     */
    public SquaredTerms evaluate(NDArray image, Map<VggLayer, NDArray> styleTargets, VggLayer contentLayer,
                                 NDArray contentTarget, double[] factors) {
        Set<VggLayer> taps = new TreeSet<>(styleTargets.keySet());
        taps.add(contentLayer);
        List<VggLayer> ordered = new ArrayList<>(taps);
        try (NDManager arguments = TorchGraph.arguments()) {
            NDList inputs = new NDList(TorchGraph.method("evaluate", arguments), TorchGraph.unnamed(image, arguments));
            addNetwork(inputs, arguments, ordered);
            inputs.add(arguments.create(styleTargets.keySet().stream().mapToLong(ordered::indexOf).toArray()));
            styleTargets.values().forEach(target -> inputs.add(TorchGraph.named(target, "style_targets[]", arguments)));
            inputs.add(arguments.create((long) ordered.indexOf(contentLayer)));
            inputs.add(contentTarget == null ? arguments.create(new float[0]) : TorchGraph.unnamed(contentTarget, arguments));
            inputs.add(Scalars.arrayLike(arguments, image, factors));
            inputs.add(arguments.create(channelsLast()));
            NDList results = graph.run(inputs, image.getManager());
            return new SquaredTerms(results.get(0), results.get(1).toDoubleArray(),
                    contentTarget == null ? results.get(2) : null);
        }
    }

    /**
     * What {@link #evaluate} returns: the image's gradient and each term's sum of squares, and the
     * image's activations at the content layer when it was asked for no content target (else null).
     */
    public record SquaredTerms(NDArray gradient, double[] sums, NDArray contentFeatures) {
        public SquaredTerms {
            sums = sums.clone();
        }

        /** Σ(G−A)² of the {@code i}-th style layer, or Σ(T−C)² after the last. */
        public double sum(int i) {
            return sums[i];
        }

        @Override
        public double[] sums() {
            return sums.clone();
        }
    }

    /** The graph's arguments after the image: the weights, the taps' indices, the pooling. */
    private void addNetwork(NDList inputs, NDManager arguments, List<VggLayer> taps) {
        inputs.addAll(kernels);
        inputs.addAll(biases);
        inputs.add(arguments.create(taps.stream().mapToLong(VggLayer::ordinal).toArray()));
        inputs.add(arguments.create(averagePooling));
    }

    /**
     * Backpropagates given gradients of some outputs to the input, in one backward pass:
     * d(Σ_i ⟨gradients_i, outputs_i⟩)/d(input). Unlike a scalar loss's backward, this takes
     * gradients computed in closed form (the style loss's), and leaves {@code input}'s
     * accumulated gradient alone.
     *
     * @param outputs   arrays computed by autograd from {@code input} (activations, slices of them, a loss)
     * @param gradients one per output, of its shape
     * @param input     the very array that required a gradient (not a view of it), unnamed,
     *                  e.g. (1, 3, H, W)
     * @return d/d(input), of its shape, in its manager
     */
    public NDArray backward(List<NDArray> outputs, List<NDArray> gradients, NDArray input) {
        try (NDManager arguments = TorchGraph.arguments()) {
            NDList inputs = new NDList(TorchGraph.method("gradient", arguments));
            outputs.forEach(o -> inputs.add(TorchGraph.named(o, "outputs[]", arguments)));
            gradients.forEach(g -> inputs.add(TorchGraph.named(g, "gradients[]", arguments)));
            inputs.add(input);
            return graph.run(inputs, input.getManager()).singletonOrThrow();
        }
    }

    /** Copies for the graph, named {@code name}: they are its own, passed as they are to every call. */
    private List<NDArray> prepare(Map<VggLayer, NDArray> tensors, boolean bf16, String name) {
        try (NDManager arguments = TorchGraph.arguments()) {
            NDList inputs = new NDList(TorchGraph.method("prepare", arguments));
            for (VggLayer layer : VggLayer.values()) {
                inputs.add(TorchGraph.named(tensors.get(layer), "tensors[]", arguments));
            }
            inputs.add(arguments.create(bf16));
            // Training mode: copies made without autograd would be inference tensors, which the
            // backward pass refuses to save.
            NDList prepared = graph.run(inputs, manager);
            prepared.forEach(array -> array.setName(name));
            return List.copyOf(prepared);
        }
    }

    @Override
    public void close() {
        memo.close();
        manager.close();
    }
}
