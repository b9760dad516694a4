package dev.stylize.engine.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint reader on files PyTorch wrote (tools/weights/make_checkpoint_fixtures.py): a
 * tiny network with VGG19's keys in the zip format, the legacy format, and the 2017 layout
 * torchvision's VGG19 file has. Element i of the tensor at features.N is N*1000+i (biases
 * negated; classifier.N: (100+N)*1000+i), so every value is checked without a copy.
 */
class TorchCheckpointTest {
    private static final List<Integer> FEATURES = List.of(0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34);

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-vgg-zip.pth", "tiny-vgg-legacy.pth", "tiny-vgg-2017.pth"})
    void readsEveryTensorOfEachFormat(String name) throws IOException {
        Map<String, TorchCheckpoint.Tensor> t = TorchCheckpoint.read(fixture(name),
                k -> k.startsWith("features.") || k.startsWith("classifier."));
        assertEquals(2 * (FEATURES.size() + 3), t.size());
        for (int index : FEATURES) {
            int inputs = index == 0 ? 3 : 2;
            check(t.get("features." + index + ".weight"), new long[] {2, inputs, 3, 3}, index * 1000, 1);
            check(t.get("features." + index + ".bias"), new long[] {2}, index * 1000, -1);
        }
        for (int index : List.of(0, 3, 6)) {
            check(t.get("classifier." + index + ".weight"), new long[] {4, 2}, (100 + index) * 1000, 1);
            check(t.get("classifier." + index + ".bias"), new long[] {4}, (100 + index) * 1000, -1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-vgg-zip.pth", "tiny-vgg-legacy.pth"})
    void convertsOtherFloatFormatsAndFollowsOffsetsAndStrides(String name) throws IOException {
        Map<String, TorchCheckpoint.Tensor> t = TorchCheckpoint.read(fixture(name),
                k -> k.startsWith("extra.") && !k.equals("extra.steps"));
        assertArrayEquals(new float[] {-0.5f, -0.25f, 0, 0.25f, 0.5f, 0.75f}, t.get("extra.half").values(), "float16");
        assertArrayEquals(new long[] {2, 3}, t.get("extra.half").shape());
        assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2, 2.5f}, t.get("extra.bf16").values(), "bfloat16");
        assertArrayEquals(new float[] {202000, 202001, 202002, 202003}, t.get("extra.double").values(), "float64");
        // value(203, 6).reshape(2, 3).t(): row-major [[0, 3], [1, 4], [2, 5]]
        assertArrayEquals(new long[] {3, 2}, t.get("extra.transposed").shape());
        assertArrayEquals(new float[] {203000, 203003, 203001, 203004, 203002, 203005}, t.get("extra.transposed").values());
        assertArrayEquals(new float[] {200000, 200001, 200002, 200003}, t.get("extra.shared.head").values());
        assertArrayEquals(new float[] {200006, 200007, 200008, 200009, 200010, 200011}, t.get("extra.shared.tail").values(),
                "a second tensor at offset 6 of the same storage");
    }

    @Test
    void readsAStorageSavedAsAViewOfAnother() throws IOException {
        // PyTorch 0.2's view_metadata: elements 4..9 of a 10-element root, the tensor at offset 1 of the view
        TorchCheckpoint.Tensor view = TorchCheckpoint.read(fixture("tiny-vgg-2017.pth"), "extra.view"::equals).get("extra.view");
        assertArrayEquals(new long[] {2, 2}, view.shape());
        assertArrayEquals(new float[] {300005, 300006, 300007, 300008}, view.values());
    }

    @Test
    void aTensorOfIntegersIsRefusedByNameWhenAskedFor() throws IOException {
        Path file = fixture("tiny-vgg-zip.pth");
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(file, "extra.steps"::equals));
        assertTrue(e.getMessage().endsWith("extra.steps holds Long numbers, not floating point"), e.getMessage());
    }

    @Test
    void aTruncatedLegacyCheckpointSaysItEndsEarly() throws IOException {
        byte[] whole = Files.readAllBytes(fixture("tiny-vgg-2017.pth"));
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(cut, k -> true));
        assertTrue(e.getMessage().endsWith("ends early: an incomplete download?"), e.getMessage());
    }

    @Test
    void aPickleCallingAnythingElseIsRefusedAndNothingRuns() throws IOException {
        Path marker = dir.resolve("ran");
        Path hostile = dir.resolve("hostile.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(hostile))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(LegacyCheckpointWriter.callPickle("os", "system", "touch " + marker));
            zip.closeEntry();
        }
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(hostile, k -> true));
        assertTrue(e.getMessage().contains("it refers to os.system, which a state dict of tensors has no use for"),
                e.getMessage());
        assertTrue(Files.notExists(marker));
    }

    @Test
    void aFileThatIsNoCheckpointIsRefused() throws IOException {
        Path other = dir.resolve("photo.pth");
        try (OutputStream out = Files.newOutputStream(other)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        }
        WeightsException e = assertThrows(WeightsException.class, () -> TorchCheckpoint.read(other, k -> true));
        assertTrue(e.getMessage().contains("is not a PyTorch state dict this reader understands"), e.getMessage());
    }

    @Test
    void theTestWriterWritesWhatTheReaderReads() throws IOException {
        Path file = dir.resolve("written.pth");
        LegacyCheckpointWriter.write(file, Map.of("a.weight", Map.entry(new long[] {2, 2}, new float[] {1, 2, 3, 4})));
        TorchCheckpoint.Tensor a = TorchCheckpoint.read(file, k -> true).get("a.weight");
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.values());
        assertArrayEquals(new long[] {2, 2}, a.shape());
    }

    private static void check(TorchCheckpoint.Tensor tensor, long[] shape, int base, int sign) {
        assertArrayEquals(shape, tensor.shape(), tensor.name());
        for (int i = 0; i < tensor.values().length; i++) {
            assertEquals(sign * (float) (base + i), tensor.values()[i], tensor.name() + "[" + i + "]");
        }
    }

    private Path fixture(String name) throws IOException {
        Path copy = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("checkpoints/" + name)) {
            Files.copy(in, copy);
        }
        return copy;
    }
}
