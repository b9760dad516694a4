package dev.stylize.engine;

import com.sun.jna.NativeLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The rule that hands libtorch's CUDA runtime to DJL's GPU queries, on folders laid out as the
 * worker image's /opt/libtorch is: what DJL copies from PyTorch's libtorch-cxx11-abi-shared-with-deps
 * zip (libtorch, c10, caffe2_nvrtc and the libcu*, libnv*, libgomp* files beside them), the CUDA
 * libraries renamed by PyTorch's packaging with the first 8 hex digits of their sha256. The digits
 * differ from build to build: these names are those of a published libtorch 2.x+cu121; cuDNN keeps
 * its plain names.
 */
class CudaRuntimeTest {
    private static final String CUDART = "libcudart-9335f6a2.so.12";

    /** A CUDA build's folder: the runtime among its neighbours, several of them named much like it. */
    private static Path cudaLibtorch(Path dir) throws IOException {
        return files(dir, "libtorch.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch_global_deps.so", "libc10.so",
                "libc10_cuda.so", "libcaffe2_nvrtc.so", "libgomp-52f2fd74.so.1", CUDART, "libcublas-37d11411.so.12",
                "libcublasLt-f97bfc2c.so.12", "libcudnn.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9",
                "libnvrtc-b51b459d.so.12", "libnvrtc-builtins.so.12.8", "libnvToolsExt-847d78f2.so.1");
    }

    private static Path files(Path dir, String... names) throws IOException {
        Files.createDirectories(dir);
        for (String name : names) {
            Files.write(dir.resolve(name), new byte[]{0x7f, 'E', 'L', 'F'});
        }
        return dir;
    }

    @Test
    void picksTheHashRenamedRuntimeFromALibtorchFolderLaidOutAsTheImageHasIt(@TempDir Path tmp) throws IOException {
        Path libtorch = cudaLibtorch(tmp.resolve("opt/libtorch"));
        assertEquals(Optional.of(libtorch.resolve(CUDART)), CudaRuntime.find(libtorch));
    }

    @Test
    void aCpuBuildHasNone(@TempDir Path tmp) throws IOException {
        Path libtorch = files(tmp, "libtorch.so", "libtorch_cpu.so", "libc10.so", "libgomp-52f2fd74.so.1");
        assertEquals(Optional.empty(), CudaRuntime.find(libtorch));
        CudaRuntime none = CudaRuntime.install(Optional.of(libtorch), "stylize_test_unused");
        assertNull(none.library());
        assertEquals("cuda runtime: none in " + libtorch + "; none on the system library path either", none.describe(List.of()));
    }

    @Test
    void nearMissesAreNotTheRuntime(@TempDir Path tmp) throws IOException {
        Path libtorch = files(tmp, "libtorch.so", "libcudart_static.a", "libcudart-9335f6a2.so.12.gz", "libcudart-xyz.so.12",
                "libcudadevrt.a", "libcuda.so.1");
        Files.createDirectories(libtorch.resolve("libcudart.so.12")); // a folder, not a library
        assertEquals(Optional.empty(), CudaRuntime.find(libtorch));
    }

    @Test
    void libtorchsOwnRuntimeWinsOverAPlainOneBesideIt(@TempDir Path tmp) throws IOException {
        Path libtorch = files(tmp, "libtorch.so", "libcudart.so.12", CUDART);
        assertEquals(Optional.of(libtorch.resolve(CUDART)), CudaRuntime.find(libtorch));
        Path plain = files(tmp.resolve("plain"), "libtorch.so", "libcudart.so.12");
        assertEquals(Optional.of(plain.resolve("libcudart.so.12")), CudaRuntime.find(plain));
    }

    @Test
    void theLibtorchFolderIsReadFromPytorchLibraryPathAsDjlReadsIt(@TempDir Path tmp) throws IOException {
        Path libtorch = cudaLibtorch(tmp.resolve("libtorch"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(Optional.of(libtorch), CudaRuntime.libtorchFolder(libtorch.toString()));
        assertEquals(Optional.of(libtorch), CudaRuntime.libtorchFolder(libtorch.resolve("libtorch.so").toString()));
        assertEquals(Optional.of(libtorch), CudaRuntime.libtorchFolder(
                tmp.resolve("missing") + File.pathSeparator + empty + File.pathSeparator + libtorch));
        assertEquals(Optional.empty(), CudaRuntime.libtorchFolder(empty.toString()));
        assertEquals(Optional.empty(), CudaRuntime.libtorchFolder(null));
        CudaRuntime unset = CudaRuntime.install(Optional.empty(), "stylize_test_unused");
        assertNull(unset.libtorch());
        String described = unset.describe(List.of(Path.of("/usr/local/cuda-13.0/lib/libcudart.so.13.0.96")));
        assertTrue(described.contains("PYTORCH_LIBRARY_PATH names no libtorch folder"), described);
        assertTrue(described.endsWith("; DJL's GPU queries found /usr/local/cuda-13.0/lib/libcudart.so.13.0.96 on the "
                + "system library path"), described);
    }

    @Test
    void theRuntimesLoadedAreReadFromProcMaps() {
        String maps = """
                7f2a1c000000-7f2a1c021000 rw-p 00000000 00:00 0
                7f2a1d200000-7f2a1d27a000 r--p 00000000 103:02 1311 /opt/libtorch/libcudart-9335f6a2.so.12
                7f2a1d27a000-7f2a1d2cf000 r-xp 0007a000 103:02 1311 /opt/libtorch/libcudart-9335f6a2.so.12
                7f2a1e000000-7f2a1e0a0000 r-xp 00000000 103:02 2217 /usr/local/cuda-13.0/lib/libcudart.so.13.0.96
                7f2a1f000000-7f2a1f100000 r-xp 00000000 103:02 1312 /opt/libtorch/libcudart_static_fake.so
                7f2a20000000-7f2a20400000 r-xp 00000000 103:02 1313 /opt/libtorch/libtorch_cuda.so
                7ffd4b1e8000-7ffd4b209000 rw-p 00000000 00:00 0                          [stack]
                """;
        assertEquals(List.of(Path.of("/opt/libtorch/libcudart-9335f6a2.so.12"),
                Path.of("/usr/local/cuda-13.0/lib/libcudart.so.13.0.96")), CudaRuntime.loadedIn(maps));
        assertEquals(List.of(), CudaRuntime.loadedIn(""));
    }

    /**
     * End to end through JNA, as DJL's {@code Native.load("cudart")} looks: the library JNA loads for
     * the name is the hash-renamed file. Under a name of the test's own, so that DJL's lookup in this
     * JVM is left alone; the file is a real shared library of the JDK's (libc only), as JNA must load it.
     */
    @Test
    void jnaLoadsTheHashRenamedFileByThePlainName(@TempDir Path tmp) throws IOException {
        Path standIn = Path.of(System.getProperty("java.home"), "lib", "libsyslookup.so");
        assumeTrue(Files.isRegularFile(standIn), "no " + standIn + " in this JDK");
        Path libtorch = files(tmp.resolve("libtorch"), "libtorch.so", "libc10_cuda.so", "libnvrtc-b51b459d.so.12");
        Files.copy(standIn, libtorch.resolve(CUDART));
        String name = "stylize_cudart_test_" + ProcessHandle.current().pid();

        CudaRuntime runtime = CudaRuntime.install(Optional.of(libtorch), name);

        assertNull(runtime.problem());
        assertEquals(libtorch.resolve(CUDART), runtime.library());
        assertTrue(runtime.given());
        assertEquals("cuda runtime: " + libtorch.resolve(CUDART) + " (libtorch's own, given to DJL's GPU queries)",
                runtime.describe(List.of(libtorch.resolve(CUDART))));
        File loaded = NativeLibrary.getInstance(name).getFile();
        assertEquals(libtorch.resolve(CUDART).toRealPath(), loaded.toPath().toRealPath());
    }
}
