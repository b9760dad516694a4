package dev.stylize.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads template.yaml and fails on grants wider than they need to be: wildcard actions,
 * {@code Resource: "*"}, broad managed policies; and on missing data-safety settings.
 * (CloudFormation's short tags such as !Sub are read as their plain values.)
 */
class TemplateSecurityTest {
    /** AWS-managed policies allowed, each scoped by AWS to its service role's own needs. */
    private static final Set<String> MANAGED_POLICIES = Set.of(
            "service-role/AmazonEC2ContainerServiceforEC2Role",
            "service-role/AmazonECSTaskExecutionRolePolicy");

    private static JsonNode resources;

    @BeforeAll
    static void read() throws IOException {
        resources = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../../template.yaml").toFile()).get("Resources");
    }

    @Test
    void allowStatementsNameExactActionsAndResources() {
        List<String> problems = new ArrayList<>();
        int allows = 0;
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            for (JsonNode statement : resource.getValue().findValues("Statement")) {
                for (JsonNode s : statement.isArray() ? statement : List.of(statement)) {
                    if (!"Allow".equals(s.path("Effect").asText())) {
                        continue; // a Deny may be broad: it only refuses more
                    }
                    allows++;
                    for (JsonNode action : list(s.get("Action"))) {
                        if (action.asText().contains("*")) {
                            problems.add(resource.getKey() + ": wildcard action " + action.asText());
                        }
                    }
                    for (JsonNode target : list(s.get("Resource"))) {
                        if (target.isTextual() && target.asText().equals("*")) {
                            problems.add(resource.getKey() + ": Resource \"*\" for " + s.get("Action"));
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(allows >= 10, "the template's grants were read: " + allows + " Allow statements");
    }

    @Test
    void onlyNarrowManagedPoliciesAndNoSamPolicyTemplates() {
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            for (JsonNode arn : list(resource.getValue().path("Properties").get("ManagedPolicyArns"))) {
                String name = arn.asText().replaceAll(".*:policy/", "");
                assertTrue(MANAGED_POLICIES.contains(name), resource.getKey() + " uses managed policy " + name);
            }
            if ("AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                assertTrue(resource.getValue().path("Properties").path("Role").isTextual()
                                || !resource.getValue().path("Properties").path("Role").isMissingNode(),
                        resource.getKey() + " must use its own role, not SAM's generated one");
            }
        }
    }

    @Test
    void theBucketIsEncryptedPrivateAndTlsOnly() {
        JsonNode bucket = resources.get("StylizeBucket").path("Properties");
        assertTrue(bucket.has("BucketEncryption"), "encrypted at rest");
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertTrue(block.path(setting).asBoolean(), setting);
        }
        String policy = resources.get("StylizeBucketPolicy").toString();
        assertTrue(policy.contains("aws:SecureTransport") && policy.contains("\"Deny\""), "requests over plain HTTP are denied");
    }

    @Test
    void onlyTheServicesRolesMayWriteResultsAndTheyNeverWriteUsersPrefixes() {
        List<String> serviceRoles = List.of("IntakeFunctionRole", "NotifierFunctionRole", "DeadLetterFunctionRole", "WorkerTaskRole");
        JsonNode statements = resources.get("StylizeBucketPolicy").path("Properties").path("PolicyDocument").path("Statement");
        JsonNode results = statement(statements, "OnlyTheServiceWritesResults");
        assertEquals("Deny", results.path("Effect").asText());
        assertEquals(List.of("s3:PutObject", "s3:DeleteObject"), list(results.get("Action")).stream().map(JsonNode::asText).toList());
        assertTrue(results.path("Resource").asText().endsWith("/results/*"), results.path("Resource").asText());
        assertEquals(serviceRoles, list(results.path("Condition").path("ArnNotEquals").get("aws:PrincipalArn")).stream()
                .map(n -> n.asText().replace(".Arn", "")).toList(), "everyone but the service's roles is denied");
        JsonNode users = statement(statements, "TheServiceNeverWritesUserPrefixes");
        assertEquals(serviceRoles, list(users.path("Condition").path("ArnEquals").get("aws:PrincipalArn")).stream()
                .map(n -> n.asText().replace(".Arn", "")).toList());
        assertEquals(5, list(users.get("Resource")).size(), "inbox/, uploads/, jobs/, styles/, models/");
    }

    @Test
    void leftoverCheckpointStatesExpireByTheTagTheWorkerGivesThem() {
        JsonNode rule = null;
        for (JsonNode r : resources.get("StylizeBucket").path("Properties").path("LifecycleConfiguration").path("Rules")) {
            if ("expire-checkpoint-states".equals(r.path("Id").asText())) {
                rule = r;
            }
        }
        assertTrue(rule != null, "a lifecycle rule expires checkpoint states");
        JsonNode tag = rule.path("TagFilters").get(0);
        assertEquals(dev.stylize.jobs.JobLedger.LIFETIME_TAG, tag.path("Key").asText() + "=" + tag.path("Value").asText());
        assertEquals(7, rule.path("ExpirationInDays").asInt());
    }

    private static JsonNode statement(JsonNode statements, String sid) {
        for (JsonNode s : statements) {
            if (sid.equals(s.path("Sid").asText())) {
                return s;
            }
        }
        throw new AssertionError("no statement " + sid);
    }

    @Test
    void deadLettersAreKeptFourteenDays() {
        assertEquals(1_209_600, resources.get("JobDeadLetterQueue").path("Properties").path("MessageRetentionPeriod").asInt());
        assertEquals(5, resources.get("JobQueue").path("Properties").path("RedrivePolicy").path("maxReceiveCount").asInt());
    }

    private static List<JsonNode> list(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }
}
