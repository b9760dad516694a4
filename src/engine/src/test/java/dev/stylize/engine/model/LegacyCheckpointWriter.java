package dev.stylize.engine.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a float32 state dict in PyTorch's legacy checkpoint layout (five protocol-2 pickles,
 * then the raw storages), as {@code torch.save(..., _use_new_zipfile_serialization=False)}
 * does: full-size VGG19 checkpoints for tests, which are too large to commit. The reader is
 * checked against files PyTorch itself wrote (the committed fixtures); this writer only feeds it.
 */
public final class LegacyCheckpointWriter {
    private final ByteArrayOutputStream pickle = new ByteArrayOutputStream();

    private LegacyCheckpointWriter() {
    }

    /**
     * A checkpoint with torchvision VGG19's layout (every convolution up to conv5_1, plus a
     * classifier tensor the converter must skip) holding generated weights of {@code seed}.
     */
    public static Path vgg19(ai.djl.ndarray.NDManager manager, long seed, Path file) throws IOException {
        Map<String, Map.Entry<long[], float[]>> tensors = new java.util.LinkedHashMap<>();
        try (ai.djl.ndarray.NDManager scope = manager.newSubManager()) {
            for (ai.djl.ndarray.NDArray a : SyntheticWeights.generate(scope, seed)) {
                if (a.getName().startsWith("features.")) {
                    tensors.put(a.getName(), Map.entry(a.getShape().getShape(), a.toFloatArray()));
                }
            }
        }
        tensors.put("classifier.6.bias", Map.entry(new long[] {1000}, new float[1000]));
        write(file, tensors);
        return file;
    }

    /** @param tensors name -> (shape, row-major values), written in this order */
    public static void write(Path file, Map<String, Map.Entry<long[], float[]>> tensors) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new LegacyCheckpointWriter().magic());
            out.write(new LegacyCheckpointWriter().proto().binint(1001).stop());
            out.write(new LegacyCheckpointWriter().proto().op('}').op('(')
                    .unicode("protocol_version").binint(1001).unicode("little_endian").op(0x88)
                    .unicode("type_sizes").op('}').op('(').unicode("short").binint(2).unicode("int").binint(4)
                    .unicode("long").binint(4).op('u').op('u').stop());
            LegacyCheckpointWriter main = new LegacyCheckpointWriter().proto()
                    .global("collections", "OrderedDict").op(')').op('R').op('(');
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, Map.Entry<long[], float[]>> e : tensors.entrySet()) {
                String key = String.valueOf(keys.size());
                keys.add(key);
                long[] shape = e.getValue().getKey();
                main.unicode(e.getKey()).global("torch._utils", "_rebuild_tensor_v2").op('(')
                        .op('(').unicode("storage").global("torch", "FloatStorage").unicode(key).unicode("cpu")
                        .binint(e.getValue().getValue().length).op('t').op('Q')
                        .binint(0).tuple(shape).tuple(strides(shape)).op(0x89)
                        .global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
            }
            out.write(main.op('u').stop());
            LegacyCheckpointWriter list = new LegacyCheckpointWriter().proto().op(']').op('(');
            keys.forEach(list::unicode);
            out.write(list.op('e').stop());
            for (Map.Entry<long[], float[]> t : tensors.values()) {
                float[] values = t.getValue();
                ByteBuffer data = ByteBuffer.allocate(8 + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                data.putLong(values.length);
                data.asFloatBuffer().put(values);
                out.write(data.array());
            }
        }
    }

    /** A pickle that calls {@code module.name(arg)}: what a hostile checkpoint would hold. */
    static byte[] callPickle(String module, String name, String arg) {
        return new LegacyCheckpointWriter().proto().global(module, name).unicode(arg).op(0x85).op('R').stop();
    }

    byte[] magic() {
        // LONG1 of torch.serialization.MAGIC_NUMBER, 10 bytes little-endian
        byte[] big = new java.math.BigInteger("1950A86A20F9469CFC6C", 16).toByteArray();
        proto().op(0x8a).op(big.length);
        for (int i = big.length - 1; i >= 0; i--) {
            pickle.write(big[i]);
        }
        return stop();
    }

    private static long[] strides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    LegacyCheckpointWriter proto() {
        return op(0x80).op(2);
    }

    LegacyCheckpointWriter op(int code) {
        pickle.write(code);
        return this;
    }

    LegacyCheckpointWriter global(String module, String name) {
        pickle.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    LegacyCheckpointWriter unicode(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        pickle.writeBytes(ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) 'X').putInt(utf8.length).array());
        pickle.writeBytes(utf8);
        return this;
    }

    LegacyCheckpointWriter binint(long v) {
        pickle.writeBytes(ByteBuffer.allocate(5).order(ByteOrder.LITTLE_ENDIAN).put((byte) 'J').putInt(Math.toIntExact(v)).array());
        return this;
    }

    LegacyCheckpointWriter tuple(long[] values) {
        op('(');
        for (long v : values) {
            binint(v);
        }
        return op('t');
    }

    byte[] stop() {
        op('.');
        return pickle.toByteArray();
    }
}
