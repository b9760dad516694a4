package dev.stylize.engine.model;

import dev.stylize.plan.VggLayer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The convolution weights of VGG19 up to conv5_1, read from a safetensors file with
 * torchvision's key names. Extra keys (deeper layers, the classifier) are ignored, so a
 * full-model file works as well as a features-only one.
 *
 * @param synthetic true when the file says it holds generated (not ImageNet) weights
 */
public record Vgg19Weights(Map<VggLayer, NDArray> kernels, Map<VggLayer, NDArray> biases, boolean synthetic) {

    /** Key present in files written by {@link SyntheticWeights}; absent from real ones. */
    static final String SYNTHETIC_MARKER = "stylize.synthetic";

    public static Vgg19Weights load(NDManager manager, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return fromList(NDList.decode(manager, in), file.toString());
        }
    }

    /** From arrays already in memory, e.g. {@link SyntheticWeights#generate}. */
    public static Vgg19Weights fromSafetensors(NDManager manager, NDList list) {
        return fromList(list, "generated weights");
    }

    static Vgg19Weights fromList(NDList list, String source) {
        Map<String, NDArray> byName = new HashMap<>();
        for (NDArray array : list) {
            byName.put(array.getName(), array);
        }
        Map<VggLayer, NDArray> kernels = new EnumMap<>(VggLayer.class);
        Map<VggLayer, NDArray> biases = new EnumMap<>(VggLayer.class);
        for (VggLayer layer : VggLayer.values()) {
            kernels.put(layer, require(byName, layer.weightKey(),
                    new Shape(layer.outChannels(), layer.inChannels(), 3, 3), source));
            biases.put(layer, require(byName, layer.biasKey(), new Shape(layer.outChannels()), source));
        }
        // Release what we do not use (classifier, conv5_2+) at once: a full model is ~550 MB.
        byName.values().stream()
                .filter(a -> !kernels.containsValue(a) && !biases.containsValue(a) && !a.getName().equals(SYNTHETIC_MARKER))
                .forEach(NDArray::close);
        return new Vgg19Weights(kernels, biases, byName.containsKey(SYNTHETIC_MARKER));
    }

    private static NDArray require(Map<String, NDArray> byName, String key, Shape shape, String source) {
        NDArray array = byName.get(key);
        if (array == null) {
            throw new WeightsException(source + " has no tensor '" + key + "': not VGG19 weights in torchvision's layout");
        }
        if (!array.getShape().equals(shape)) {
            throw new WeightsException(source + ": '" + key + "' has shape " + array.getShape() + ", expected " + shape);
        }
        return array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false);
    }

    /** The same weights in another precision (float64 for gradient checks). */
    public Vgg19Weights toType(DataType type) {
        Map<VggLayer, NDArray> k = new EnumMap<>(VggLayer.class);
        Map<VggLayer, NDArray> b = new EnumMap<>(VggLayer.class);
        kernels.forEach((layer, a) -> k.put(layer, a.toType(type, true)));
        biases.forEach((layer, a) -> b.put(layer, a.toType(type, true)));
        return new Vgg19Weights(k, b, synthetic);
    }
}
