package dev.stylize.functions.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Who owns a job: the caller API Gateway names, and where the API answers. */
class CallerTest {

    @Test
    void anAssumedRoleIsItsRoleWhateverTheSession() {
        assertEquals("arn:aws:iam::111122223333:role/Painter",
                Caller.owner("arn:aws:sts::111122223333:assumed-role/Painter/session-1"));
        assertEquals(Caller.owner("arn:aws:sts::111122223333:assumed-role/Painter/session-2"),
                Caller.owner("arn:aws:sts::111122223333:assumed-role/Painter/session-1"));
        assertEquals("arn:aws-cn:iam::111122223333:role/Painter",
                Caller.owner("arn:aws-cn:sts::111122223333:assumed-role/Painter/s"), "in its own partition");
        assertEquals("arn:aws:iam::111122223333:user/alice", Caller.owner("arn:aws:iam::111122223333:user/alice"));
    }

    @Test
    void theVerifiedUserComesFirstThenTheAccessKeyAndWithoutEitherNobody() {
        assertEquals(Optional.of("arn:aws:iam::111122223333:user/alice"),
                Caller.of(request("arn:aws:iam::111122223333:user/alice", "AKIAALICE"), true));
        assertEquals(Optional.of("access-key/AKIAALICE"), Caller.of(request(null, "AKIAALICE"), true));
        assertEquals(Optional.empty(), Caller.of(request(null, null), true));
        assertEquals(Optional.empty(), Caller.of(new APIGatewayProxyRequestEvent(), true));
        // sam local start-api: no identity, the signed header passed on.
        assertEquals(Optional.of("access-key/AKIABOB"), Caller.of(new APIGatewayProxyRequestEvent().withHeaders(Map.of("authorization",
                "AWS4-HMAC-SHA256 Credential=AKIABOB/20261206/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab")), true));
        assertEquals(Optional.empty(), Caller.of(new APIGatewayProxyRequestEvent().withHeaders(Map.of("Authorization", "Bearer x")), true));
        // On AWS, nothing but the user IAM verified names a caller.
        assertEquals(Optional.empty(), Caller.of(request(null, "AKIAALICE"), false));
        assertEquals(Optional.of("arn:aws:iam::111122223333:user/alice"),
                Caller.of(request("arn:aws:iam::111122223333:user/alice", "AKIAALICE"), false));
    }

    @Test
    void statusUrlsKeepTheStageApiGatewayWasCalledAt() {
        APIGatewayProxyRequestEvent onAws = request("arn:aws:iam::1:user/a", null).withPath("/jobs")
                .withHeaders(Map.of("X-Forwarded-Proto", "https"));
        onAws.getRequestContext().setDomainName("abc123.execute-api.eu-west-1.amazonaws.com");
        onAws.getRequestContext().setPath("/v1/jobs");
        assertEquals("https://abc123.execute-api.eu-west-1.amazonaws.com/v1", JobsApi.base(onAws));

        APIGatewayProxyRequestEvent local = request(null, "AKIA").withPath("/jobs").withHeaders(Map.of("x-forwarded-proto", "http"));
        local.getRequestContext().setDomainName("127.0.0.1:9002");
        local.getRequestContext().setPath("/jobs");
        assertEquals("http://127.0.0.1:9002", JobsApi.base(local));
    }

    private static APIGatewayProxyRequestEvent request(String userArn, String accessKey) {
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setUserArn(userArn);
        identity.setAccessKey(accessKey);
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setIdentity(identity);
        return new APIGatewayProxyRequestEvent().withRequestContext(context);
    }
}
