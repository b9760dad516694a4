package dev.stylize.jobs;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobLayoutTest {
    @Test
    void jobIdIsStablePerEventAndNewPerUpload() {
        String a = JobLayout.jobId("b", "inbox/hockney/My Photo.JPG", "0055AED6DCD90281E5");
        assertEquals(a, JobLayout.jobId("b", "inbox/hockney/My Photo.JPG", "0055AED6DCD90281E5"));
        assertNotEquals(a, JobLayout.jobId("b", "inbox/hockney/My Photo.JPG", "0055AED6DCD90281E6"));
        assertTrue(a.matches("my-photo-[0-9a-f]{12}"), a);
    }

    @Test
    void inboxKeysNameTheirStyle() {
        assertEquals(Optional.of("hockney"), JobLayout.inboxStyleName("inbox/hockney/photo.jpg"));
        assertEquals(Optional.empty(), JobLayout.inboxStyleName("inbox/photo.jpg"));
        assertEquals(Optional.empty(), JobLayout.inboxStyleName("inbox/a/b/photo.jpg"));
    }

    @Test
    void unsafeKeysAreRecognised() {
        assertFalse(JobLayout.isSafeKey("uploads/../results/x"));
        assertFalse(JobLayout.isSafeKey("/uploads/x"));
        assertFalse(JobLayout.isSafeKey("uploads//x"));
        assertFalse(JobLayout.isSafeKey("uploads/x\u0000"));
        assertTrue(JobLayout.isSafeKey("uploads/été 2026/photo (1).jpg"));
    }

    @Test
    void checkpointKeysRoundTrip() {
        assertEquals(Optional.of(400), JobLayout.checkpointStep(JobLayout.checkpointStateKey("j", 400)));
        assertEquals(Optional.empty(), JobLayout.checkpointStep(JobLayout.checkpointImageKey("j", 400)));
    }
}
