package dev.stylize.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;

import java.util.Optional;

/**
 * Who made a request, as API Gateway's AWS_IAM authorisation verified it: the IAM user, or the
 * role for an assumed role (its session name left out, so every session of a role is one caller).
 * Locally, where no signature is verified, the access key id the request was signed with.
 */
final class Caller {
    private Caller() {
    }

    static Optional<String> of(APIGatewayProxyRequestEvent request) {
        APIGatewayProxyRequestEvent.ProxyRequestContext context = request.getRequestContext();
        APIGatewayProxyRequestEvent.RequestIdentity identity = context == null ? null : context.getIdentity();
        if (identity == null) {
            return Optional.empty();
        }
        if (identity.getUserArn() != null && !identity.getUserArn().isBlank()) {
            return Optional.of(owner(identity.getUserArn()));
        }
        return Optional.ofNullable(identity.getAccessKey()).filter(key -> !key.isBlank()).map(key -> "access-key/" + key);
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
