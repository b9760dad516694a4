package dev.stylize.jobs;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.stylize.jobs.testing.FuzzChecks;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;

/** The body of {@code POST /jobs}, as the API receives it from anyone who can sign a request: read, or refused in the product's words. */
class RequestFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void requestsParseOrSayWhy(byte[] json) {
        InvalidInputException[] refusal = new InvalidInputException[1];
        FuzzChecks.requireAllocationAtMost(ManifestFuzzTest.BYTES_PER_INPUT_BYTE * json.length + ManifestFuzzTest.FIXED, () -> {
            try {
                Manifest request = Manifest.request(json, Limits.SERVICE);
                FuzzChecks.require(request.content() == null, "no content: the photo comes afterwards");
                FuzzChecks.require(!request.styles().isEmpty() && request.styles().size() <= Manifest.MAX_STYLES,
                        "one to four styles");
            } catch (InvalidInputException refused) {
                refusal[0] = refused;
            }
        }, "reading a request of " + json.length + " bytes");
        if (refusal[0] != null) {
            FuzzChecks.requireProductWords(refusal[0], ManifestFuzzTest.written(json));
        }
    }

}
