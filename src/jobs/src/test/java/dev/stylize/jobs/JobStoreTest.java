package dev.stylize.jobs;

import dev.stylize.jobs.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobStoreTest {
    private static MotoServer moto;
    private static JobStore store;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        S3Client s3 = moto.clients().s3();
        s3.createBucket(b -> b.bucket("store-test"));
        store = new JobStore(s3, "store-test");
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void createJsonWritesOnlyOnce() {
        assertTrue(store.createJson("results/a/job.json", Map.of("n", 1)));
        assertFalse(store.createJson("results/a/job.json", Map.of("n", 2)));
        assertEquals(1, store.readJson("results/a/job.json", Map.class).orElseThrow().get("n"));
    }

    @Test
    void missingObjectsAreEmptyNotErrors() {
        assertTrue(store.readBytes("nope").isEmpty());
        assertFalse(store.exists("nope"));
    }

    @Test
    void prefixReadsOnlyTheFirstBytes() {
        store.put("uploads/x.bin", new byte[1000], "application/octet-stream");
        assertEquals(100, store.readPrefix("uploads/x.bin", 100).orElseThrow().length);
        assertEquals(1000, store.readPrefix("uploads/x.bin", 4096).orElseThrow().length);
    }
}
