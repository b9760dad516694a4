package dev.stylize.jobs.store;

import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The S3 store against the emulator process, and the in-memory one tests use held to the same behaviour. */
class S3ObjectStoreTest {
    private static MotoServer moto;
    private static ObjectStore s3Store;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        S3Client s3 = moto.clients().s3();
        s3.createBucket(b -> b.bucket("store-test"));
        s3Store = new S3ObjectStore(s3, "store-test");
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void theS3StoreBehavesAsTheContractSays() {
        behavesAsTheContractSays(s3Store);
    }

    @Test
    void theInMemoryStoreBehavesTheSame() {
        behavesAsTheContractSays(new dev.stylize.jobs.testing.InMemoryObjectStore("memory"));
    }

    private static void behavesAsTheContractSays(ObjectStore store) {
        assertTrue(store.create("results/a/job.json", bytes("1"), "application/json"), "created");
        assertFalse(store.create("results/a/job.json", bytes("2"), "application/json"), "written only once");
        assertArrayEquals(bytes("1"), store.read("results/a/job.json").orElseThrow());

        assertTrue(store.read("nope").isEmpty(), "missing objects are empty, not errors");
        assertFalse(store.exists("nope"));
        assertTrue(store.size("nope").isEmpty());

        store.write("uploads/x.bin", new byte[1000], "application/octet-stream");
        assertEquals(1000L, store.size("uploads/x.bin").orElseThrow());
        assertEquals(100, store.readFirst("uploads/x.bin", 100).orElseThrow().length, "a prefix reads only the first bytes");
        assertEquals(1000, store.readFirst("uploads/x.bin", 4096).orElseThrow().length);
        store.write("uploads/y.bin", bytes("0123456789"), "application/octet-stream");
        assertArrayEquals(bytes("789"), store.readLast("uploads/y.bin", 3).orElseThrow());

        assertEquals(1000, store.readAtMost("uploads/x.bin", 1000).orElseThrow().length, "at the limit: read");
        ObjectTooLargeException tooLarge = assertThrows(ObjectTooLargeException.class, () -> store.readAtMost("uploads/x.bin", 999));
        assertEquals(1000L, tooLarge.size(), "over the limit: refused with its size");
        assertTrue(store.readAtMost("nope", 10).isEmpty());

        StoredObject y = store.describe("uploads/y.bin").orElseThrow();
        assertEquals(10L, y.size());
        assertTrue(store.describe("nope").isEmpty());
        StoredObject listed = store.list("uploads/y").getFirst();
        assertEquals(List.of(y.key(), y.size(), y.etag()), List.of(listed.key(), listed.size(), listed.etag()),
                "a listing says what describe says");
        store.write("uploads/y.bin", bytes("0123456789"), "application/octet-stream");
        assertEquals(y.etag(), store.describe("uploads/y.bin").orElseThrow().etag(), "the same bytes, the same ETag");
        store.write("uploads/y.bin", bytes("9876543210"), "application/octet-stream");
        assertNotEquals(y.etag(), store.describe("uploads/y.bin").orElseThrow().etag(), "new bytes, a new ETag");

        assertEquals(2, store.list("uploads/").size());
        store.delete("uploads/x.bin");
        assertEquals(1, store.list("uploads/").size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
