package dev.stylize.jobs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stylize.jobs.testing.FuzzChecks;
import dev.stylize.plan.InvalidInputException;

/**
 * The one manifest reader under any bytes: a manifest, or a refusal in the product's words,
 * within memory in proportion to the manifest (at most 64 KiB are ever read).
 */
class ManifestFuzzTest {
    /** Jackson's tree of a small document: a few hundred bytes per input byte at the very most, plus its buffers. */
    private static final long BYTES_PER_INPUT_BYTE = 400;
    private static final long FIXED = 4L << 20;

    @FuzzTest(maxDuration = "30s")
    void parsesOrSaysWhy(byte[] json) {
        FuzzChecks.requireAllocationAtMost(BYTES_PER_INPUT_BYTE * json.length + FIXED, () -> {
            try {
                Manifest manifest = Manifest.parse(json, "bucket");
                FuzzChecks.require(manifest.content().startsWith(JobLayout.UPLOADS), "content under uploads/");
                FuzzChecks.require(!manifest.styles().isEmpty() && manifest.styles().size() <= Manifest.MAX_STYLES,
                        "one to four styles");
            } catch (InvalidInputException refused) {
                FuzzChecks.requireProductWords(refused);
            }
        }, "reading a manifest of " + json.length + " bytes");
    }
}
