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
    void uniqueUploadNamesLeadToTheirJobs() {
        String name = JobLayout.uniqueUploadName("Harbour At Dusk.PNG");
        assertTrue(name.matches("harbour-at-dusk-[0-9a-f]{6}\\.png"), name);
        assertNotEquals(name, JobLayout.uniqueUploadName("Harbour At Dusk.PNG"));
        String base = JobLayout.jobIdBase(name);
        assertEquals(name.substring(0, name.length() - 4), base);
        assertTrue(JobLayout.jobId("b", "inbox/swirls/" + name, "1").startsWith(base + "-"));
        assertTrue(JobLayout.uniqueUploadName("___.jpg").matches("photo-[0-9a-f]{6}\\.jpg"));
        assertTrue(JobLayout.uniqueUploadName("scan.tiff?x").matches("scan-[0-9a-f]{6}"), "an odd extension is dropped");
        String longName = JobLayout.uniqueUploadName("abcdefghij-abcdefghij-abcdefg-cut here.jpg");
        assertTrue(longName.matches("abcdefghij-abcdefghij-abcdefg-[0-9a-f]{6}\\.jpg"), "cut at 30, no '--': " + longName);
        assertEquals(longName.substring(0, longName.length() - 4), JobLayout.jobIdBase(longName));
    }

    @Test
    void libraryStylesAreImagesDirectlyUnderStyles() {
        assertEquals(Optional.of("swirls"), JobLayout.libraryStyleName("styles/swirls.png"));
        assertEquals(Optional.of("a.b"), JobLayout.libraryStyleName("styles/a.b.JPG"));
        assertEquals(Optional.empty(), JobLayout.libraryStyleName("styles/notes.txt"));
        assertEquals(Optional.empty(), JobLayout.libraryStyleName("styles/old/swirls.png"));
        assertEquals(Optional.empty(), JobLayout.libraryStyleName("styles/.png"));
        assertEquals(Optional.empty(), JobLayout.libraryStyleName("uploads/swirls.png"));
        assertEquals("style 'monet' not found: upload it as styles/monet.jpg (available: a, swirls)",
                JobLayout.styleNotFound("monet", java.util.List.of("swirls", "a", "swirls")).getMessage());
        assertEquals("style 'monet' not found: upload it as styles/monet.jpg (the style library is empty)",
                JobLayout.styleNotFound("monet", java.util.List.of()).getMessage());
    }

    @Test
    void onlyAnOutcomeUnderAJobsFolderNamesAJob() {
        assertEquals(Optional.of("job-1"), JobLayout.outcomeJobId("results/job-1/outcome.json"));
        assertEquals(Optional.empty(), JobLayout.outcomeJobId("results/outcome.json"), "no job id between the two");
        assertEquals(Optional.empty(), JobLayout.outcomeJobId("results//outcome.json"));
        assertEquals(Optional.empty(), JobLayout.outcomeJobId("results/a/b/outcome.json"));
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
