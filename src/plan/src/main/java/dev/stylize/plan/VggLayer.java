package dev.stylize.plan;

import java.util.Locale;

/**
 * The convolutions of VGG19's feature part up to conv5_1, in torchvision's layout: a conv at
 * {@code features.{index}}, its ReLU at {@code index + 1}, pools at 4, 9, 18 and 27.
 * Taps are the post-ReLU activations (torchvision's ReLU is in-place, so that is what the
 * seed notebook's tensors hold too).
 */
public enum VggLayer {
    CONV1_1(0, 3, 64), CONV1_2(2, 64, 64),
    CONV2_1(5, 64, 128), CONV2_2(7, 128, 128),
    CONV3_1(10, 128, 256), CONV3_2(12, 256, 256), CONV3_3(14, 256, 256), CONV3_4(16, 256, 256),
    CONV4_1(19, 256, 512), CONV4_2(21, 512, 512), CONV4_3(23, 512, 512), CONV4_4(25, 512, 512),
    CONV5_1(28, 512, 512);

    private final int index;
    private final int inChannels;
    private final int outChannels;

    VggLayer(int index, int inChannels, int outChannels) {
        this.index = index;
        this.inChannels = inChannels;
        this.outChannels = outChannels;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** A 2x2 pool sits between this layer and the next (after conv1_2, conv2_2, conv3_4, conv4_4). */
    public boolean poolsAfter() {
        return this == CONV1_2 || this == CONV2_2 || this == CONV3_4 || this == CONV4_4;
    }

    /**
     * How many 2x2 pools lie between the image and this layer: its feature map is
     * floor(H / 2^k) x floor(W / 2^k), k from 0 (conv1_x) to 4 (conv5_1).
     */
    public int poolings() {
        int k = 0;
        for (VggLayer layer : values()) {
            if (layer == this) {
                return k;
            }
            k += layer.poolsAfter() ? 1 : 0;
        }
        throw new AssertionError(this);
    }

    public String weightKey() {
        return "features." + index + ".weight";
    }

    public String biasKey() {
        return "features." + index + ".bias";
    }

    /** "conv4_2" etc., as the paper and the command line name layers. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VggLayer fromLabel(String label) {
        try {
            return valueOf(label.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown VGG19 layer '" + label + "' (conv1_1 … conv5_1)");
        }
    }
}
