package dev.stylize.jobs.aws;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an {@code Authorization} header signed with AWS Signature Version 4 says of its signer. */
public final class SigV4 {
    /** {@code AWS4-HMAC-SHA256 Credential=<access key id>/<yyyyMMdd>/<region>/<service>/aws4_request, ...} */
    private static final Pattern CREDENTIAL = Pattern.compile("^AWS4-HMAC-SHA256\\s+Credential=([A-Za-z0-9]+)/([0-9]{8})/([^/]+)/");

    private SigV4() {
    }

    /** The access key id the header was signed with; empty when it is no SigV4 signature (or null). */
    public static Optional<String> accessKeyId(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        Matcher credential = CREDENTIAL.matcher(authorization);
        return credential.find() ? Optional.of(credential.group(1)) : Optional.empty();
    }
}
