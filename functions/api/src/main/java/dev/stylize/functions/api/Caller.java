package dev.stylize.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import dev.stylize.jobs.aws.SigV4;

import java.util.Map;
import java.util.Optional;

/**
 * Who made a request, as API Gateway's AWS_IAM authorisation verified it: the IAM user, or the
 * role for an assumed role (its session name left out, so every session of a role is one caller).
 * Locally, where no signature is verified, the access key id the request was signed with: the
 * identity's {@code accessKey} where the local API sets it, else the SigV4 {@code Authorization}
 * header's ({@code sam local start-api} passes the header on and sets no identity). On AWS the
 * user is always there: API Gateway refuses a request it cannot verify before the function runs.
 */
final class Caller {
    private Caller() {
    }

    /**
     * @param local whether this runs against an emulator, where no signature is verified: only then
     *              may an access key id name the caller; on AWS only the user IAM verified does
     */
    static Optional<String> of(APIGatewayProxyRequestEvent request, boolean local) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = request.getRequestContext();
        APIGatewayProxyRequestEvent.RequestIdentity identity = context == null ? null : context.getIdentity();
        if (identity != null && identity.getUserArn() != null && !identity.getUserArn().isBlank()) {
            return Optional.of(owner(identity.getUserArn()));
        }
        if (!local) {
            return Optional.empty();
        }
        return Optional.ofNullable(identity == null ? null : identity.getAccessKey()).filter(key -> !key.isBlank())
                .or(() -> signedWith(request.getHeaders())).map(key -> "access-key/" + key);
    }

    /** The access key id of a SigV4 {@code Authorization} header. */
    private static Optional<String> signedWith(Map<String, String> headers) {
        if (headers == null) {
            return Optional.empty();
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Authorization")).findFirst()
                .flatMap(h -> SigV4.accessKeyId(h.getValue()));
    }

    /** {@code arn:aws:sts::1234:assumed-role/Name/session} is the role {@code arn:aws:iam::1234:role/Name}. */
    static String owner(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length == 6 && parts[2].equals("sts") && parts[5].startsWith("assumed-role/")) {
            String[] resource = parts[5].split("/");
            if (resource.length >= 2) {
                return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + resource[1];
            }
        }
        return arn;
    }
}
