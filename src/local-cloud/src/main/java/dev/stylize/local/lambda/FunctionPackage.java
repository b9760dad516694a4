package dev.stylize.local.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function.zip unpacked as Lambda unpacks it into /var/task: the runtime client's class loader
 * takes the task root itself, then {@code lib/*.jar}. Unpacked again only when the zip changed.
 */
final class FunctionPackage {
    private FunctionPackage() {
    }

    /** @return the task root for {@code zip} under {@code dir} */
    static Path unpack(Path zip, Path dir) {
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " is missing: package the functions first (./mvnw -DskipTests install)");
        }
        try {
            String stamp = Files.size(zip) + " " + Files.getLastModifiedTime(zip).toMillis();
            Path task = dir.resolve("task");
            Path marker = dir.resolve("task.unpacked-from");
            if (Files.isDirectory(task) && Files.exists(marker) && Files.readString(marker).equals(zip + " " + stamp)) {
                return task;
            }
            delete(task);
            Files.createDirectories(task);
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    Path target = task.resolve(entry.getName()).normalize();
                    if (!target.startsWith(task)) {
                        throw new IOException(zip + " holds an entry outside its root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.writeString(marker, zip + " " + stamp);
            return task;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
