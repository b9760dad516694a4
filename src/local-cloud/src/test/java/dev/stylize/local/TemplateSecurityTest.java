package dev.stylize.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stylize.jobs.telemetry.JobMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads template.yaml and fails on grants wider than they need to be: wildcard actions,
 * {@code Resource: "*"}, broad managed policies; on missing data-safety settings; and on a
 * fleet or alarms that drift from what infra/README.md explains (AMI, Spot, cooldown, health
 * check, JSON logs, alarms, dashboard).
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
        List<String> serviceRoles = List.of("IntakeFunctionRole", "NotifierFunctionRole", "DeadLetterFunctionRole",
                "UploadDeadlineFunctionRole", "WorkerTaskRole");
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
    void theApiIsIamAuthorisedAndWritesOnlyRequests() {
        JsonNode api = resources.get("JobsApi").path("Properties");
        assertEquals("AWS_IAM", api.path("Auth").path("DefaultAuthorizer").asText(), "every route signed and authorised by IAM");
        assertEquals("NONE", api.path("Auth").path("InvokeRole").asText(),
                "API Gateway invokes the function itself: callers cannot, with an identity of their making");
        JsonNode events = resources.get("ApiFunction").path("Properties").path("Events");
        assertEquals(3, events.size());
        for (JsonNode event : events) {
            assertEquals("Api", event.path("Type").asText());
            assertEquals("JobsApi", event.path("Properties").path("RestApiId").asText(), "on the IAM-authorised API: " + event);
        }
        assertEquals("ApiFunctionRole", resources.get("ApiFunction").path("Properties").path("Role").asText().replace(".Arn", ""));

        List<String> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        for (JsonNode s : resources.get("ApiFunctionRole").path("Properties").path("Policies").get(0).path("PolicyDocument")
                .path("Statement")) {
            for (JsonNode action : list(s.get("Action"))) {
                assertTrue(action.asText().startsWith("s3:") || action.asText().startsWith("logs:"),
                        "the API calls S3 (and writes its logs) only: " + action);
                for (JsonNode target : list(s.get("Resource"))) {
                    (action.asText().equals("s3:PutObject") ? writes : action.asText().equals("s3:GetObject") ? reads
                            : new ArrayList<String>()).add(target.asText().replaceAll(".*\\}/", ""));
                }
            }
        }
        assertEquals(List.of("requests/*"), writes, "writes only under the upload prefix");
        assertEquals(List.of("requests/*", "results/*", "styles/*"), reads.stream().sorted().toList());

        // Every job's worker asks whether it was cancelled, and an API job's photo is under requests/.
        List<String> workerReads = new ArrayList<>();
        for (JsonNode s : resources.get("WorkerTaskRole").findValues("Statement").getLast()) {
            if (list(s.get("Action")).stream().anyMatch(a -> a.asText().equals("s3:GetObject"))) {
                list(s.get("Resource")).forEach(r -> workerReads.add(r.asText().replaceAll(".*\\}/", "")));
            }
        }
        assertTrue(workerReads.containsAll(List.of("requests/*", "results/*", "styles/*", "uploads/*", "inbox/*")),
                "the worker reads every prefix it reads from: " + workerReads);

        JsonNode requests = statement(resources.get("StylizeBucketPolicy").path("Properties").path("PolicyDocument")
                .path("Statement"), "OnlyTheApiWritesRequests");
        assertEquals("Deny", requests.path("Effect").asText());
        assertEquals(List.of("request.json", "photo"), list(requests.get("Resource")).stream()
                .map(r -> r.asText().replaceAll(".*/requests/\\*/", "")).toList(), "a request's owner and photo");
        assertEquals("ApiFunctionRole", requests.path("Condition").path("ArnNotEquals").path("aws:PrincipalArn").asText()
                .replace(".Arn", ""), "nobody else writes requests (and their owners)");
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
        assertEquals(1_209_600, resources.get("UploadDeadlineDeadLetterQueue").path("Properties").path("MessageRetentionPeriod").asInt());
    }

    /**
     * A queue a function reads passes on what it cannot settle to a dead-letter queue (whose alarm
     * tells people), unless it is one itself: nothing accepted waits forever unseen.
     */
    @Test
    void everyQueueAFunctionReadsHasADeadLetterQueueOrIsOne() {
        Set<String> deadLetterQueues = new HashSet<>();
        resources.forEach(r -> deadLetterQueues.add(r.path("Properties").path("RedrivePolicy").path("deadLetterTargetArn").asText()));
        int read = 0;
        for (JsonNode resource : resources) {
            for (JsonNode event : resource.path("Properties").path("Events")) {
                if (event.path("Type").asText().equals("SQS")) {
                    String queue = event.path("Properties").path("Queue").asText(); // !GetAtt Name.Arn, read as "Name.Arn"
                    boolean hasOne = resources.path(queue.replace(".Arn", "")).path("Properties").has("RedrivePolicy");
                    assertTrue(hasOne || deadLetterQueues.contains(queue), queue + " is read by a function but has no dead-letter queue");
                    read++;
                }
            }
        }
        assertEquals(2, read, "the upload deadlines and the job dead letters");
    }

    @Test
    void theFleetRunsTheAl2023GpuAmiWithSpotDrainingAndNoInstanceWeights() throws IOException {
        JsonNode parameters = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../../template.yaml").toFile()).get("Parameters");
        assertEquals("/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id",
                parameters.path("GpuAmiId").path("Default").asText(), "driver 580 runs CUDA 12.8 libtorch; AL2's 550 does not");
        String userData = resources.get("WorkerLaunchTemplate").toString();
        assertTrue(userData.contains("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true"), "a Spot notice drains the instance");
        JsonNode group = resources.get("WorkerAutoScalingGroup").path("Properties");
        JsonNode mixed = group.path("MixedInstancesPolicy");
        assertEquals("price-capacity-optimized", mixed.path("InstancesDistribution").path("SpotAllocationStrategy").asText());
        assertTrue(group.has("CapacityRebalance"));
        JsonNode overrides = mixed.path("LaunchTemplate").path("Overrides");
        assertTrue(overrides.size() >= 2, "several instance types");
        assertFalse(overrides.toString().contains("WeightedCapacity"), "ECS capacity providers refuse instance weighting");
        assertTrue(group.path("NewInstancesProtectedFromScaleIn").asBoolean());
    }

    @Test
    void scaleOutWaitsOutAColdStartAndTheHealthCheckIsReadiness() {
        JsonNode scaleOut = resources.get("WorkerScaleOutPolicy").path("Properties").path("StepScalingPolicyConfiguration");
        assertEquals("ChangeInCapacity", scaleOut.path("AdjustmentType").asText());
        assertTrue(scaleOut.path("Cooldown").asInt() >= 600,
                "a cooldown shorter than a cold start (6-10 min, infra/README.md) starts two instances for one job");
        JsonNode worker = resources.get("WorkerTaskDefinition").path("Properties").path("ContainerDefinitions").get(0);
        assertTrue(worker.path("HealthCheck").path("Command").toString().contains("/q/health/ready"));
        assertTrue(worker.path("HealthCheck").path("StartPeriod").asInt() >= 120);
    }

    @Test
    void functionsLogJsonAndEveryoneWritesMetricsToTheStacksNamespace() throws IOException {
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../../template.yaml").toFile());
        for (String function : List.of("IntakeFunction", "NotifierFunction", "DeadLetterFunction")) {
            assertEquals("JSON", resources.get(function).path("Properties").path("LoggingConfig").path("LogFormat").asText(), function);
        }
        assertTrue(template.path("Globals").path("Function").path("Environment").path("Variables")
                .has(JobMetrics.NAMESPACE_VARIABLE));
        assertTrue(resources.get("WorkerTaskDefinition").toString().contains(JobMetrics.NAMESPACE_VARIABLE));
    }

    @Test
    void deadLettersOldJobsAndFunctionErrorsRaiseAlarmsThatReachThePeopleTopic() {
        Map<String, String> watched = Map.of(
                "DeadLetterAlarm", "JobDeadLetterQueue",
                "OldestJobAlarm", "JobQueue",
                "IntakeErrorsAlarm", "IntakeFunction",
                "NotifierErrorsAlarm", "NotifierFunction",
                "DeadLetterErrorsAlarm", "DeadLetterFunction",
                "FailedEventsAlarm", "FailedEventsQueue",
                "UploadDeadlineDeadLetterAlarm", "UploadDeadlineDeadLetterQueue");
        watched.forEach((alarm, subject) -> {
            JsonNode properties = resources.get(alarm).path("Properties");
            assertTrue(properties.toString().contains(subject), alarm + " watches " + subject);
            assertEquals("AlarmTopic", properties.path("AlarmActions").get(0).asText(), alarm + " notifies people");
        });
        assertFalse(resources.get("AlarmTopic").toString().contains("CompletionTopic"));
    }

    @Test
    void onlyThisAccountsCloudWatchPublishesToTheAlarmTopic() {
        JsonNode policy = resources.get("AlarmTopicPolicy").path("Properties");
        assertEquals(List.of("AlarmTopic"), list(policy.get("Topics")).stream().map(JsonNode::asText).toList());
        JsonNode statements = policy.path("PolicyDocument").path("Statement");
        assertEquals(1, statements.size(), "one grant, replacing the account-wide default policy");
        JsonNode grant = statements.get(0);
        assertEquals("Allow", grant.path("Effect").asText());
        assertEquals("cloudwatch.amazonaws.com", grant.path("Principal").path("Service").asText());
        assertEquals("sns:Publish", grant.path("Action").asText());
        assertEquals("AlarmTopic", grant.path("Resource").asText());
        assertEquals("AWS::AccountId", grant.at("/Condition/StringEquals/aws:SourceAccount").asText());
    }

    @Test
    void metricsTravelInTheLogsSoNoRoleMayPutMetricData() {
        // Embedded Metric Format: CloudWatch Logs extracts the metrics from the log lines the
        // roles may already write; a cloudwatch:PutMetricData grant would be one more, unneeded.
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            if ("AWS::IAM::Role".equals(resource.getValue().path("Type").asText())) {
                assertFalse(resource.getValue().toString().contains("cloudwatch:"), resource.getKey());
            }
        }
    }

    @Test
    void theDashboardIsJsonAndShowsTheMetricsTheCodeWrites() throws IOException {
        // !Sub's ${...} are placeholders here: replace them to read the body as JSON.
        String body = resources.get("Dashboard").path("Properties").path("DashboardBody").asText()
                .replaceAll("\\$\\{[^}]+}", "x");
        JsonNode dashboard = new ObjectMapper().readTree(body);
        assertTrue(dashboard.path("widgets").size() >= 6);
        for (String name : JobMetrics.NAMES) {
            assertTrue(body.contains("\"" + name + "\""), "the dashboard shows " + name);
        }
        for (String metric : List.of("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "Errors")) {
            assertTrue(body.contains(metric), metric);
        }
    }

    @Test
    void noAsynchronousEventIsDroppedFailedOnesAreKeptFourteenDaysEncryptedAndAlarmed() {
        JsonNode queue = resources.get("FailedEventsQueue").path("Properties");
        assertEquals(1_209_600, queue.path("MessageRetentionPeriod").asInt(), "failed events are kept 14 days");
        assertTrue(queue.path("SqsManagedSseEnabled").asBoolean(), "encrypted at rest");
        for (String function : List.of("IntakeFunction", "NotifierFunction")) {
            JsonNode config = resources.get(function).path("Properties").path("EventInvokeConfig");
            assertTrue(config.path("MaximumRetryAttempts").isInt(), function + ": explicit retries");
            assertTrue(config.path("MaximumEventAgeInSeconds").isInt(), function + ": explicit event age");
            assertEquals("SQS", config.at("/DestinationConfig/OnFailure/Type").asText(), function);
            assertEquals("FailedEventsQueue.Arn", config.at("/DestinationConfig/OnFailure/Destination").asText(),
                    function + " sends what it gives up on to FailedEventsQueue");
        }
        JsonNode alarm = resources.get("FailedEventsAlarm").path("Properties");
        assertEquals("ApproximateNumberOfMessagesVisible", alarm.path("MetricName").asText());
        assertEquals("FailedEventsQueue.QueueName", alarm.at("/Dimensions/0/Value").asText());
    }

    @Test
    void onlyTheFunctionsWithAFailureDestinationMaySendToIt() {
        List<String> senders = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            for (JsonNode statement : resource.getValue().findValues("Statement")) {
                for (JsonNode s : statement) {
                    if (list(s.get("Resource")).stream().anyMatch(r -> r.asText().equals("FailedEventsQueue.Arn"))) {
                        assertEquals(List.of("sqs:SendMessage"), list(s.get("Action")).stream().map(JsonNode::asText).toList(),
                                resource.getKey() + " may only send to the failed-events queue");
                        senders.add(resource.getKey());
                    }
                }
            }
        }
        assertEquals(List.of("IntakeFunctionRole", "NotifierFunctionRole"), senders.stream().sorted().toList());
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
