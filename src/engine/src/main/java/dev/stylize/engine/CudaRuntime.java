package dev.stylize.engine;

import com.sun.jna.NativeLibrary;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which CUDA runtime DJL's GPU queries use, and the one rule that makes them use libtorch's own.
 *
 * <p>DJL counts GPUs and reads their memory and compute capability through JNA: its
 * {@code CudaUtils} loads the library named {@code cudart} once, when it is first used, and JNA
 * finds that name only as a file {@code libcudart.so} (or {@code libcudart.so.N}) in its search
 * path or the system's. libtorch's CUDA build, as DJL repackages it, carries its CUDA runtime only
 * under the name PyTorch's packaging gives it, with the first 8 hex digits of its sha256 in it
 * ({@code libcudart-8774224f.so.12}), and libtorch reaches it through its RPATH. Without a system
 * CUDA on the library path (the worker image has none) DJL would find no runtime, count no GPU,
 * and every run would use the CPU although libtorch itself could use the GPU.
 *
 * <p>The rule: in the libtorch folder DJL loads ({@code PYTORCH_LIBRARY_PATH}, read as DJL reads it),
 * a regular file named {@code libcudart-<8 hex digits>.so[.N...]} or {@code libcudart.so[.N...]} is
 * libtorch's CUDA runtime (the hash-renamed one first: that is the file libtorch links to). A link
 * to it named {@code libcudart.so}, in a folder of this process's own under {@code java.io.tmpdir},
 * goes onto JNA's search path for {@code cudart} alone, ahead of the system's, so DJL loads the
 * very file libtorch loads (one copy in the process). This must happen before anything touches
 * DJL's engine, whose loading already asks {@code CudaUtils} for the GPU count: {@link #install()}
 * does it once per process, and the worker's start and {@link DeviceReport#probe()} call it first.
 *
 * @param libtorch the libtorch folder looked in; null where {@code PYTORCH_LIBRARY_PATH} names none
 *                 (DJL then uses its own CPU libtorch)
 * @param library  libtorch's CUDA runtime in that folder; null where there is none (a CPU build)
 * @param problem  why the folder could not be read, or the library found not be put on JNA's path;
 *                 null where all went well
 */
public record CudaRuntime(Path libtorch, Path library, String problem) {
    /** The name DJL's CudaUtils loads through JNA. */
    static final String JNA_NAME = "cudart";

    /** libcudart.so, libcudart.so.12, libcudart-8774224f.so.12; group 1 the hash, where there is one. */
    static final Pattern FILE_NAME = Pattern.compile("libcudart(-[0-9a-f]{8})?\\.so(?:\\.[0-9]+)*");

    private static final String LIBTORCH = System.mapLibraryName("torch");

    private static CudaRuntime installed;

    /**
     * Finds libtorch's CUDA runtime and puts it on JNA's path for DJL, once per process; later calls
     * return the first call's answer. Call it before anything touches DJL's engine.
     */
    public static synchronized CudaRuntime install() {
        if (installed == null) {
            String configured = System.getenv("PYTORCH_LIBRARY_PATH");
            installed = install(libtorchFolder(configured != null ? configured : System.getProperty("PYTORCH_LIBRARY_PATH")),
                    JNA_NAME);
        }
        return installed;
    }

    /** {@link #install()} for one folder and one JNA library name (tests use a name of their own). */
    static CudaRuntime install(Optional<Path> libtorch, String jnaName) {
        if (libtorch.isEmpty()) {
            return new CudaRuntime(null, null, null);
        }
        Path folder = libtorch.get();
        Optional<Path> library;
        try {
            library = find(folder);
        } catch (IOException | RuntimeException e) {
            return new CudaRuntime(folder, null, "cannot list it: " + e);
        }
        if (library.isEmpty()) {
            return new CudaRuntime(folder, null, null);
        }
        try {
            Path links = Files.createTempDirectory("stylize-cudart");
            links.toFile().deleteOnExit();
            Path link = Files.createSymbolicLink(links.resolve(System.mapLibraryName(jnaName)), library.get());
            link.toFile().deleteOnExit(); // deleted before its folder: the reverse order of registration
            NativeLibrary.addSearchPath(jnaName, links.toString());
            return new CudaRuntime(folder, library.get(), null);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return new CudaRuntime(folder, library.get(), "cannot link it under " + System.getProperty("java.io.tmpdir")
                    + ": " + e);
        }
    }

    /**
     * The libtorch folder DJL loads for {@code pytorchLibraryPath}, as DJL's LibUtils reads
     * PYTORCH_LIBRARY_PATH: the first entry that is libtorch.so itself (its folder) or a folder holding it.
     */
    static Optional<Path> libtorchFolder(String pytorchLibraryPath) {
        if (pytorchLibraryPath == null) {
            return Optional.empty();
        }
        for (String entry : pytorchLibraryPath.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path path;
            try {
                path = Path.of(entry).toAbsolutePath();
            } catch (InvalidPathException e) {
                continue;
            }
            if (Files.isRegularFile(path) && path.getFileName().toString().equals(LIBTORCH)) {
                return Optional.of(path.getParent());
            }
            if (Files.isRegularFile(path.resolve(LIBTORCH))) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    /**
     * libtorch's CUDA runtime in {@code libtorch}: the hash-renamed file where there is one (the
     * file libtorch links to), else a plain libcudart.so[.N]; of several alike, the first by name.
     */
    static Optional<Path> find(Path libtorch) throws IOException {
        try (Stream<Path> files = Files.list(libtorch)) {
            return files.filter(f -> FILE_NAME.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f))
                    .min(Comparator.comparing((Path f) -> !hashed(f)).thenComparing(f -> f.getFileName().toString()));
        }
    }

    private static boolean hashed(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        return m.matches() && m.group(1) != null;
    }

    /** Whether DJL's GPU queries were given libtorch's own runtime. */
    public boolean given() {
        return library != null && problem == null;
    }

    /**
     * One line for doctor and the worker's log: the CUDA runtime DJL's GPU queries use (its path), or
     * that none was found, and where it was looked for.
     *
     * @param loaded the CUDA runtimes this process has loaded ({@link #loaded()}, read after DJL's
     *               engine started): where libtorch's was not given to DJL, any other is the one
     *               DJL's own lookup found on the system library path
     */
    public String describe(List<Path> loaded) {
        List<Path> others = loaded.stream().filter(p -> library == null || !sameFile(p, library)).toList();
        String othersText = others.stream().map(Path::toString).collect(Collectors.joining(", "));
        if (given()) {
            return "cuda runtime: " + library + " (libtorch's own, given to DJL's GPU queries)"
                    + (others.isEmpty() ? "" : "; also loaded: " + othersText);
        }
        String why;
        if (libtorch == null) {
            why = "none looked for in libtorch (PYTORCH_LIBRARY_PATH names no libtorch folder: DJL's own CPU build)";
        } else if (library == null) {
            why = problem == null ? "none in " + libtorch : "none found, " + libtorch + " " + problem;
        } else {
            why = library + " in libtorch, not given to DJL (" + problem + ")";
        }
        return "cuda runtime: " + why + "; " + (others.isEmpty() ? "none on the system library path either"
                : "DJL's GPU queries found " + othersText + " on the system library path");
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException | RuntimeException e) {
            return a.equals(b);
        }
    }

    /** The CUDA runtimes mapped into this process now, from /proc/self/maps; empty where unreadable. */
    public static List<Path> loaded() {
        try {
            return loadedIn(Files.readString(Path.of("/proc/self/maps")));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The libcudart files in /proc/self/maps text, each once, in order. */
    static List<Path> loadedIn(String maps) {
        Set<Path> found = new LinkedHashSet<>();
        for (String line : maps.split("\n")) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && fields[5].startsWith("/")) {
                Path file = Path.of(fields[5]);
                if (file.getFileName() != null && FILE_NAME.matcher(file.getFileName().toString()).matches()) {
                    found.add(file);
                }
            }
        }
        return List.copyOf(found);
    }
}
