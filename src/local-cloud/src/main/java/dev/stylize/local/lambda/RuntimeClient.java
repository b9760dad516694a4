package dev.stylize.local.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * AWS's Lambda runtime interface client (com.amazonaws:aws-lambda-java-runtime-interface-client,
 * what the java21 managed runtime runs) as the build copies it: its jars, the class path of every
 * local function process, and its JNI library, unpacked once and passed by path (the client's own
 * fallback copies it to a fixed /tmp file, which races when several functions start together).
 */
public record RuntimeClient(List<Path> classPath, Path jniLibrary) {
    public static final String MAIN_CLASS = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    public static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /** From {@code <home>/src/local-cloud/target/lambda-runtime}, where this module's build puts it. */
    public static RuntimeClient locate(Path home) {
        Path dir = home.resolve("src/local-cloud/target/lambda-runtime").toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing: build the project first (./mvnw -DskipTests install)");
        }
        try (Stream<Path> jars = Files.list(dir)) {
            List<Path> classPath = jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
            Path jni = dir.resolve("jni").resolve("libaws-lambda-jni." + platform() + ".so");
            if (classPath.isEmpty() || !Files.isRegularFile(jni)) {
                throw new IllegalStateException(dir + " lacks the runtime interface client for " + platform()
                        + ": rebuild src/local-cloud");
            }
            return new RuntimeClient(classPath, jni);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client ships glibc and musl builds for x86_64 and aarch64 Linux only. */
    private static String platform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "aarch_64" : arch;
        boolean musl;
        try (Stream<Path> lib = Files.list(Path.of("/lib"))) {
            musl = lib.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl"));
        } catch (IOException e) {
            musl = false;
        }
        return (musl ? "linux_musl-" : "linux-") + cpu;
    }

    public String classPathString() {
        return String.join(":", classPath.stream().map(Path::toString).toList());
    }
}
