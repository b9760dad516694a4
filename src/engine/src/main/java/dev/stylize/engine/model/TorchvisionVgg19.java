package dev.stylize.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.plan.VggLayer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * torchvision's ImageNet VGG19 ({@code VGG19_Weights.IMAGENET1K_V1}), fetched once into the
 * weights cache as the safetensors file the engine loads: downloaded, checked against its
 * sha256 (the start of which its name carries, as torchvision checks it, and the whole of which
 * is pinned here), read in Java ({@link TorchCheckpoint}) and written as float32 with
 * torchvision's key names, {@code features.0} to {@code features.28} (conv5_1). A sidecar
 * records the converted file's sha256, so every later use re-checks it.
 */
public final class TorchvisionVgg19 {
    /** torchvision/models/vgg.py, unchanged since 2017. */
    public static final URI URL = URI.create("https://download.pytorch.org/models/vgg19-dcbb9e9d.pth");
    /** The whole sha256 of that file; its name carries the first 8 hex digits. */
    public static final String SHA256 = "dcbb9e9dad569fff7a846263a77324fc34978fea2bfb039c012d710e1776ae44";

    /** The converted weights' name in the cache: what {@code run}, {@code local up} and the worker look for. */
    public static final String CACHE_FILE = "vgg19-imagenet.safetensors";
    static final String SIDECAR = "vgg19-imagenet.json";

    /** torchvision's rule (torch.hub.HASH_REGEX): the hex digits between the name's last '-' and its '.'. */
    private static final Pattern NAMED_HASH = Pattern.compile("-([a-f0-9]*)\\.");

    /**
     * Converted weights in a cache, as the sidecar describes them.
     *
     * @param sha256       the converted file's digest (checked against the file when found)
     * @param source       where the checkpoint came from
     * @param sourceSha256 the checkpoint's digest
     */
    public record Installed(Path file, String sha256, String source, String sourceSha256) {
        /** For messages: what these weights are. */
        public String describe() {
            return "real (ImageNet, torchvision's VGG19 " + sourceSha256.substring(0, 8) + ", fetched from " + source + ")";
        }
    }

    private TorchvisionVgg19() {
    }

    /**
     * The converted weights in {@code cacheDir}, if {@code weights fetch} put them there.
     *
     * @throws WeightsException when they are there but no longer match their recorded sha256
     */
    public static Optional<Installed> cached(Path cacheDir) {
        Path file = cacheDir.resolve(CACHE_FILE);
        Path sidecar = cacheDir.resolve(SIDECAR);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(sidecar)) {
            return Optional.empty();
        }
        Map<?, ?> record;
        try {
            record = new ObjectMapper().readValue(sidecar.toFile(), Map.class);
        } catch (IOException e) {
            throw new WeightsException("cannot read " + sidecar + ": " + e.getMessage() + "; run 'bin/stylize weights fetch' again", e);
        }
        String expected = String.valueOf(record.get("sha256"));
        String actual = WeightsSource.digest(file);
        if (!actual.equals(expected)) {
            throw new WeightsException(file + " has sha256 " + actual + " but was written with " + expected
                    + ": it was changed or damaged; run 'bin/stylize weights fetch' again");
        }
        return Optional.of(new Installed(file, actual, String.valueOf(record.get("source")),
                String.valueOf(record.get("sourceSha256"))));
    }

    /**
     * Downloads the checkpoint at {@code url} next to the cache, verifies it, and installs its
     * conversion. Nothing is written under its cache name unless the digest matched.
     *
     * @param sha256 the checkpoint's whole expected digest
     */
    public static Installed fetch(URI url, String sha256, Path cacheDir, WeightsSource.Fetcher fetcher, NDManager manager) {
        String name = Path.of(url.getPath()).getFileName().toString();
        try {
            Files.createDirectories(cacheDir);
            Path download = cacheDir.resolve("download-" + UUID.randomUUID() + ".part");
            try {
                fetcher.fetch(url, download);
                return install(download, name, url.toString(), sha256, cacheDir, manager);
            } finally {
                Files.deleteIfExists(download);
            }
        } catch (IOException e) {
            throw new WeightsException("downloading " + url + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a checkpoint already on disk (its name's hash prefix, then the whole digest),
     * converts it and installs the result in {@code cacheDir}.
     *
     * @param name   the checkpoint's published file name, whose hash part is checked
     * @param source where it came from, for the record
     */
    public static Installed install(Path checkpoint, String name, String source, String sha256, Path cacheDir,
                                    NDManager manager) {
        String expected = sha256.toLowerCase(Locale.ROOT);
        String actual = WeightsSource.digest(checkpoint);
        Matcher named = NAMED_HASH.matcher(name);
        if (named.find() && !actual.startsWith(named.group(1))) {
            throw new WeightsException(String.format(Locale.ROOT, "%s has sha256 %s, which does not start with %s as its name "
                    + "%s says: a damaged or different file; nothing was installed", source, actual, named.group(1), name));
        }
        if (!actual.equals(expected)) {
            throw new WeightsException(String.format(Locale.ROOT, "%s has sha256 %s, expected %s: not the published "
                    + "weights; nothing was installed", source, actual, expected));
        }
        try {
            Files.createDirectories(cacheDir);
            Path target = cacheDir.resolve(CACHE_FILE);
            Path partial = cacheDir.resolve(CACHE_FILE + "-" + UUID.randomUUID() + ".part");
            try {
                convert(checkpoint, partial, manager);
                try (NDManager scope = manager.newSubManager()) {
                    Vgg19Weights.load(scope, partial); // the engine reads it, or nothing is installed
                }
                String converted = WeightsSource.digest(partial);
                // The sidecar goes first: a weights file without one is ignored, never trusted.
                Map<String, String> record = new LinkedHashMap<>();
                record.put("file", CACHE_FILE);
                record.put("sha256", converted);
                record.put("source", source);
                record.put("sourceSha256", actual);
                Path sidecarPart = cacheDir.resolve(SIDECAR + ".part");
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(sidecarPart.toFile(), record);
                Files.move(sidecarPart, cacheDir.resolve(SIDECAR), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return new Installed(target, converted, source, actual);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new WeightsException("cannot install weights into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes VGG19's convolutions up to conv5_1 from a torchvision checkpoint as float32
     * safetensors, in layer order.
     *
     * @throws WeightsException when a layer is missing or has the wrong shape
     */
    public static void convert(Path checkpoint, Path target, NDManager manager) throws IOException {
        Map<String, TorchCheckpoint.Tensor> tensors = TorchCheckpoint.read(checkpoint, TorchvisionVgg19::isKept);
        try (NDManager scope = manager.newSubManager(); OutputStream out = Files.newOutputStream(target)) {
            NDList list = new NDList();
            for (VggLayer layer : VggLayer.values()) {
                list.add(array(scope, tensors, layer.weightKey(), new long[] {layer.outChannels(), layer.inChannels(), 3, 3},
                        checkpoint));
                list.add(array(scope, tensors, layer.biasKey(), new long[] {layer.outChannels()}, checkpoint));
            }
            list.encode(out, NDList.Encoding.SAFETENSORS);
        }
    }

    private static boolean isKept(String key) {
        return Arrays.stream(VggLayer.values()).anyMatch(l -> l.weightKey().equals(key) || l.biasKey().equals(key));
    }

    private static NDArray array(NDManager manager, Map<String, TorchCheckpoint.Tensor> tensors, String key, long[] shape,
                                 Path checkpoint) {
        TorchCheckpoint.Tensor tensor = tensors.get(key);
        if (tensor == null) {
            throw new WeightsException(checkpoint + " has no tensor '" + key + "': not torchvision's VGG19");
        }
        if (!Arrays.equals(tensor.shape(), shape)) {
            throw new WeightsException(checkpoint + ": '" + key + "' has shape " + Arrays.toString(tensor.shape())
                    + ", expected " + Arrays.toString(shape) + ": not torchvision's VGG19");
        }
        NDArray array = manager.create(tensor.values(), new Shape(shape));
        array.setName(key);
        return array;
    }
}
