package dev.stylize.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.sun.net.httpserver.HttpServer;
import dev.stylize.engine.TestWeights;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloading, verifying and caching weights, against a real HTTP server on 127.0.0.1. */
class WeightsSourceTest {
    @TempDir
    Path cache;

    private HttpServer server;
    private final AtomicInteger downloads = new AtomicInteger();
    private String url;
    private String sha256;

    @BeforeEach
    void serveGeneratedWeights() throws IOException {
        Path weights = TestWeights.file();
        sha256 = WeightsSource.digest(weights);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/vgg19.safetensors", exchange -> {
            downloads.incrementAndGet();
            byte[] body = Files.readAllBytes(weights);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/vgg19.safetensors";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsOnceThenUsesTheCache() throws IOException {
        WeightsSource source = new WeightsSource(url, sha256);
        Path first = source.resolve(cache);
        Path second = source.resolve(cache);
        assertEquals(first, second);
        assertEquals(1, downloads.get());
        try (NDManager manager = NDManager.newBaseManager()) {
            Vgg19Weights weights = Vgg19Weights.load(manager, first);
            assertTrue(weights.synthetic(), "generated weights are recognised as such");
        }
    }

    @Test
    void aCorruptedCacheEntryIsFetchedAgain() throws IOException {
        WeightsSource source = new WeightsSource(url, sha256);
        Path cached = source.resolve(cache);
        Files.write(cached, new byte[] {1, 2, 3});
        assertEquals(sha256, WeightsSource.digest(source.resolve(cache)));
        assertEquals(2, downloads.get());
    }

    @Test
    void aChecksumMismatchIsRefusedAndNothingIsCached() throws IOException {
        String wrong = "0".repeat(64);
        WeightsException e = assertThrows(WeightsException.class, () -> new WeightsSource(url, wrong).resolve(cache));
        assertTrue(e.getMessage().contains("have sha256 " + sha256 + ", expected " + wrong), e.getMessage());
        try (var files = Files.list(cache)) {
            assertEquals(0, files.count(), "no partial or unverified file is left in the cache");
        }
    }

    @Test
    void aUrlWithoutChecksumIsRefused() {
        WeightsException e = assertThrows(WeightsException.class, () -> new WeightsSource(url, null).resolve(cache));
        assertTrue(e.getMessage().endsWith("needs their sha256"), e.getMessage());
    }

    @Test
    void httpErrorsAreReported() {
        WeightsException e = assertThrows(WeightsException.class,
                () -> new WeightsSource(url.replace("vgg19", "missing"), sha256).resolve(cache));
        assertTrue(e.getMessage().endsWith("failed: HTTP 404"), e.getMessage());
    }

    @Test
    void aFileThatIsNotVggIsRefusedWithTheMissingKey() throws IOException {
        Path other = cache.resolve("other.safetensors");
        try (NDManager manager = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(other)) {
            NDArray a = manager.zeros(new ai.djl.ndarray.types.Shape(2));
            a.setName("encoder.weight");
            new NDList(a).encode(out, NDList.Encoding.SAFETENSORS);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            WeightsException e = assertThrows(WeightsException.class, () -> Vgg19Weights.load(manager, other));
            assertTrue(e.getMessage().endsWith("has no tensor 'features.0.weight': not VGG19 weights in torchvision's layout"),
                    e.getMessage());
        }
    }

    @Test
    void aMissingFileIsReported() {
        WeightsException e = assertThrows(WeightsException.class,
                () -> new WeightsSource(cache.resolve("nope.safetensors").toString(), null).resolve(cache));
        assertTrue(e.getMessage().endsWith("does not exist"), e.getMessage());
    }
}
