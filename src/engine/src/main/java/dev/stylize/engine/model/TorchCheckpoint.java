package dev.stylize.engine.model;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the tensors of a PyTorch checkpoint ({@code torch.save} of a state dict) as float32,
 * without Python, in both formats {@code torch.load} reads:
 * <ul>
 *   <li>zip (PyTorch 1.6 and later): {@code <folder>/data.pkl} pickles the state dict, each
 *       storage's raw little-endian bytes are the entry {@code <folder>/data/<key>};</li>
 *   <li>legacy (before 1.6, and torchvision's 2017 VGG files): one stream of five pickles (magic
 *       number, protocol version, system info, the state dict, the storage keys) followed by each
 *       storage in that key order as an int64 element count and its raw bytes.</li>
 * </ul>
 * Only what a state dict needs is understood: ordered dicts, tensors rebuilt by
 * {@code torch._utils._rebuild_tensor} (PyTorch 0.2-0.3) or {@code _rebuild_tensor_v2}, and
 * storages by type. Any other global in the pickle is refused by name, so a checkpoint can never
 * make this reader construct anything else.
 */
public final class TorchCheckpoint {
    /** The legacy format's first pickle: torch.serialization's MAGIC_NUMBER. */
    private static final BigInteger MAGIC_NUMBER = new BigInteger("1950A86A20F9469CFC6C", 16);
    private static final int PROTOCOL_VERSION = 1001;

    /** A tensor read as float32, row-major. */
    public record Tensor(String name, long[] shape, float[] values) {
    }

    private TorchCheckpoint() {
    }

    /**
     * @param keep which tensors to read, by name; the others' bytes are skipped
     * @return the kept tensors, by name
     * @throws WeightsException when the file is not a checkpoint this reader understands, naming why
     */
    public static Map<String, Tensor> read(Path file, Predicate<String> keep) {
        try {
            return isZip(file) ? readZip(file, keep) : readLegacy(file, keep);
        } catch (PickleException | ClassCastException | IndexOutOfBoundsException | ArithmeticException e) {
            throw new WeightsException(file + " is not a PyTorch state dict this reader understands: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new WeightsException(file + " ends early: an incomplete download?", e);
        } catch (IOException e) {
            throw new WeightsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return Arrays.equals(head, new byte[] {'P', 'K', 3, 4});
        }
    }

    private static Map<String, Tensor> readZip(Path file, Predicate<String> keep) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = zip.stream().filter(e -> e.getName().endsWith("data.pkl")
                            && e.getName().indexOf('/') == e.getName().length() - "data.pkl".length() - 1)
                    .findFirst()
                    .orElseThrow(() -> new WeightsException(file + " is a zip file without a PyTorch data.pkl"));
            String folder = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry byteOrder = zip.getEntry(folder + "byteorder");
            if (byteOrder != null) {
                String order = new String(zip.getInputStream(byteOrder).readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (!order.equals("little")) {
                    throw new WeightsException(file + " was saved on a " + order + "-endian machine; only little-endian checkpoints are read");
                }
            }
            Map<String, TensorRef> refs;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(pickle))) {
                refs = stateDict(new CheckpointUnpickler().load(in), file);
            }
            Map<String, byte[]> storages = new HashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                if (!keep.test(e.getKey())) {
                    continue;
                }
                StorageRef storage = e.getValue().storage();
                byte[] bytes = storages.get(storage.key());
                if (bytes == null) {
                    ZipEntry data = zip.getEntry(folder + "data/" + storage.key());
                    if (data == null) {
                        throw new WeightsException(file + " has no data for storage " + storage.key() + " of " + e.getKey());
                    }
                    try (InputStream in = zip.getInputStream(data)) {
                        bytes = in.readAllBytes();
                    }
                    storages.put(storage.key(), bytes);
                }
                tensors.put(e.getKey(), materialise(e.getKey(), e.getValue(), bytes, file));
            }
            return tensors;
        }
    }

    private static Map<String, Tensor> readLegacy(Path file, Predicate<String> keep) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            Object magic = new Unpickler().load(in);
            if (!(magic instanceof Number n) || !new BigInteger(n.toString()).equals(MAGIC_NUMBER)) {
                throw new WeightsException(file + " is neither a zip nor a legacy PyTorch checkpoint (no magic number)");
            }
            Object version = new Unpickler().load(in);
            if (!(version instanceof Number v) || v.intValue() != PROTOCOL_VERSION) {
                throw new WeightsException(file + " has legacy protocol version " + version + "; only " + PROTOCOL_VERSION + " is known");
            }
            if (new Unpickler().load(in) instanceof Map<?, ?> sysInfo && Boolean.FALSE.equals(sysInfo.get("little_endian"))) {
                throw new WeightsException(file + " was saved on a big-endian machine; only little-endian checkpoints are read");
            }
            Map<String, TensorRef> refs = stateDict(new CheckpointUnpickler().load(in), file);
            if (!(new Unpickler().load(in) instanceof List<?> keys)) {
                throw new WeightsException(file + " has no list of storages after its state dict");
            }
            Map<String, StorageKind> kinds = new HashMap<>();
            Set<String> wanted = new HashSet<>();
            refs.forEach((name, ref) -> {
                kinds.put(ref.storage().key(), ref.storage().kind());
                if (keep.test(name)) {
                    wanted.add(ref.storage().key());
                }
            });
            // Storages follow in the list's order, each an int64 element count and its bytes.
            Map<String, byte[]> storages = new HashMap<>();
            for (Object item : keys) {
                String key = String.valueOf(item);
                long count = Long.reverseBytes(in.readLong());
                StorageKind kind = kinds.get(key);
                if (kind == null) {
                    throw new WeightsException(file + ": storage " + key + " belongs to no tensor, so its size is unknown");
                }
                long length = Math.multiplyExact(count, kind.size);
                if (!wanted.contains(key)) {
                    in.skipNBytes(length);
                    continue;
                }
                if (length > Integer.MAX_VALUE - 16) {
                    throw new WeightsException(file + ": storage " + key + " holds " + count + " elements, too many to read");
                }
                byte[] bytes = new byte[(int) length];
                in.readFully(bytes);
                storages.put(key, bytes);
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                if (keep.test(e.getKey())) {
                    byte[] bytes = storages.get(e.getValue().storage().key());
                    if (bytes == null) {
                        throw new WeightsException(file + " ends before the data of " + e.getKey());
                    }
                    tensors.put(e.getKey(), materialise(e.getKey(), e.getValue(), bytes, file));
                }
            }
            return tensors;
        }
    }

    /** The tensors of an unpickled state dict (or of a checkpoint holding one under "state_dict"), by name. */
    private static Map<String, TensorRef> stateDict(Object root, Path file) {
        if (root instanceof Map<?, ?> map && map.get("state_dict") instanceof Map<?, ?> inner) {
            root = inner;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new WeightsException(file + " holds a " + (root == null ? "None" : root.getClass().getSimpleName())
                    + ", not a state dict");
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v instanceof TensorRef ref) {
                refs.put(String.valueOf(k), ref);
            }
        });
        if (refs.isEmpty()) {
            throw new WeightsException(file + " holds no tensors");
        }
        return refs;
    }

    /** The tensor's elements, gathered from its storage by offset and strides, as float32. */
    private static Tensor materialise(String name, TensorRef ref, byte[] bytes, Path file) {
        StorageKind kind = ref.storage().kind();
        if (!kind.floating()) {
            throw new WeightsException(file + ": " + name + " holds " + kind.label + " numbers, not floating point");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long storageElements = ref.storage().elements() >= 0 ? ref.storage().elements() : bytes.length / kind.size;
        long base = ref.storage().offset() + ref.offset();
        long[] shape = ref.size();
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count > Integer.MAX_VALUE - 16) {
            throw new WeightsException(file + ": " + name + " has " + count + " elements, too many to read");
        }
        float[] values = new float[(int) count];
        long[] index = new long[shape.length];
        for (int i = 0; i < values.length; i++) {
            long at = base;
            for (int d = 0; d < shape.length; d++) {
                at += index[d] * ref.stride()[d];
            }
            if (at < ref.storage().offset() || at >= ref.storage().offset() + storageElements
                    || (at + 1) * kind.size > bytes.length) {
                throw new WeightsException(file + ": " + name + " reaches beyond its storage");
            }
            values[i] = kind.read(buffer, (int) at);
            for (int d = shape.length - 1; d >= 0; d--) { // next row-major index
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new Tensor(name, shape.clone(), values);
    }

    /** PyTorch's storage types, by the name the pickle gives them, with their element sizes. */
    enum StorageKind {
        FLOAT("Float", 4), DOUBLE("Double", 8), HALF("Half", 2), BFLOAT16("BFloat16", 2),
        LONG("Long", 8), INT("Int", 4), SHORT("Short", 2), CHAR("Char", 1), BYTE("Byte", 1), BOOL("Bool", 1),
        COMPLEX_FLOAT("ComplexFloat", 8), COMPLEX_DOUBLE("ComplexDouble", 16);

        final String label;
        final int size;

        StorageKind(String label, int size) {
            this.label = label;
            this.size = size;
        }

        boolean floating() {
            return this == FLOAT || this == DOUBLE || this == HALF || this == BFLOAT16;
        }

        float read(ByteBuffer buffer, int element) {
            return switch (this) {
                case FLOAT -> buffer.getFloat(element * 4);
                case DOUBLE -> (float) buffer.getDouble(element * 8);
                case HALF -> Float.float16ToFloat(buffer.getShort(element * 2));
                case BFLOAT16 -> Float.intBitsToFloat((buffer.getShort(element * 2) & 0xffff) << 16);
                default -> throw new IllegalStateException(label + " is not floating point");
            };
        }

        static StorageKind named(String storageClass) {
            return Arrays.stream(values()).filter(k -> (k.label + "Storage").equals(storageClass)).findFirst().orElse(null);
        }
    }

    /**
     * A storage as the pickle refers to it: its key (the zip entry's name, or the legacy stream's
     * key), type, and for a legacy view the element offset and count within its root.
     */
    record StorageRef(String key, StorageKind kind, long offset, long elements) {
    }

    /** A tensor as {@code _rebuild_tensor[_v2](storage, offset, size, stride, ...)} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** An ordered dict; {@code __setstate__} takes the attributes torch adds ({@code _metadata}) and drops them. */
    public static final class OrderedDict extends LinkedHashMap<Object, Object> {
        public void __setstate__(HashMap<?, ?> state) {
            // attributes of the dict object, not entries
        }

        public void __setstate__(Object[] state) {
            // (dict state, slot state): nothing a reader of tensors needs
        }
    }

    /**
     * An unpickler that resolves only the globals a state dict uses and refuses every other one;
     * storages arrive as persistent ids.
     */
    private static final class CheckpointUnpickler extends Unpickler {
        private static final Set<String> REBUILD_TENSOR = new HashSet<>(List.of(
                "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2"));

        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            if (key == Opcodes.GLOBAL) {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            if (key == Opcodes.STACK_GLOBAL) {
                String name = (String) stack.pop();
                String module = (String) stack.pop();
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            if (key == Opcodes.INST || key == Opcodes.OBJ) {
                throw new PickleException("the pickle builds class instances, which a state dict does not");
            }
            return super.dispatch(key);
        }

        private static Object global(String module, String name) {
            String qualified = module + "." + name;
            if (qualified.equals("collections.OrderedDict")) {
                return (IObjectConstructor) args -> new OrderedDict();
            }
            if (REBUILD_TENSOR.contains(qualified)) {
                return (IObjectConstructor) args -> new TensorRef((StorageRef) args[0], number(args[1]),
                        longs(args[2]), longs(args[3]));
            }
            if (qualified.equals("torch._utils._rebuild_parameter")) { // (data, requires_grad, hooks)
                return (IObjectConstructor) args -> args[0];
            }
            if (qualified.equals("torch.Size")) {
                return (IObjectConstructor) args -> args.length == 0 ? new Object[0] : args[0];
            }
            if (module.equals("torch") && StorageKind.named(name) != null) {
                return StorageKind.named(name);
            }
            throw new PickleException("it refers to " + qualified + ", which a state dict of tensors has no use for");
        }

        /** {@code ('storage', type, key, location, numel[, view_metadata])}. */
        @Override
        protected Object persistentLoad(Object pid) {
            if (!(pid instanceof Object[] id) || id.length < 5 || !"storage".equals(id[0])
                    || !(id[1] instanceof StorageKind kind)) {
                throw new PickleException("unknown persistent id " + (pid instanceof Object[] a ? Arrays.toString(a) : pid));
            }
            String key = String.valueOf(id[2]);
            long elements = number(id[4]);
            if (id.length > 5 && id[5] instanceof Object[] view) { // (view_key, offset, view_size) within the root
                return new StorageRef(key, kind, number(view[1]), number(view[2]));
            }
            return new StorageRef(key, kind, 0, elements);
        }

        private static long number(Object o) {
            if (!(o instanceof Number n)) {
                throw new PickleException("expected a number, got " + o);
            }
            return n.longValue();
        }

        private static long[] longs(Object o) {
            if (o instanceof Object[] items) {
                return Arrays.stream(items).mapToLong(CheckpointUnpickler::number).toArray();
            }
            if (o instanceof List<?> list) {
                return longs(list.toArray());
            }
            throw new PickleException("expected a tuple of numbers, got " + o);
        }
    }
}
