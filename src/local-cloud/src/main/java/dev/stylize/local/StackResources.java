package dev.stylize.local;

import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.local.template.FunctionDefinition;
import dev.stylize.local.template.Intrinsics;
import dev.stylize.local.template.Template;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * template.yaml's bucket, queues and topic on an emulator, created (or found) from the template
 * itself: each queue with the template's VisibilityTimeout, MessageRetentionPeriod and
 * RedrivePolicy, the bucket's notifications with each function's S3 event filters (delivered to
 * a queue per function, which the local Lambda service turns into asynchronous invocations).
 * Idempotent; plain S3/SQS/SNS calls only.
 */
public record StackResources(LocalNames names, Template template, String region, String account,
                             Map<String, String> queueUrls, Map<String, String> queueArns, Map<String, String> topicArns,
                             Map<String, String> notificationQueues) {
    /** Queue attributes the emulators implement, as the template names them. */
    private static final List<String> QUEUE_ATTRIBUTES = List.of("VisibilityTimeout", "MessageRetentionPeriod",
            "DelaySeconds", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds");

    public static boolean bucketExists(AwsClients clients, String bucket) {
        try {
            clients.s3().headBucket(b -> b.bucket(bucket));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        }
    }

    public static StackResources ensure(AwsClients clients, LocalNames names, Template template) {
        SqsClient sqs = clients.sqs();
        try {
            clients.s3().createBucket(b -> b.bucket(names.bucket()));
        } catch (BucketAlreadyOwnedByYouException e) {
            // already there
        }
        Map<String, String> urls = new LinkedHashMap<>();
        Map<String, String> arns = new LinkedHashMap<>();
        for (String id : template.resourcesOfType("AWS::SQS::Queue")) {
            String url = sqs.createQueue(b -> b.queueName(names.resource(id))).queueUrl();
            urls.put(id, url);
            arns.put(id, arn(sqs, url));
        }
        Map<String, String> topics = new LinkedHashMap<>();
        for (String id : template.resourcesOfType("AWS::SNS::Topic")) {
            topics.put(id, clients.sns().createTopic(b -> b.name(names.resource(id))).topicArn());
        }
        String someArn = arns.values().stream().findFirst().orElseThrow(() -> new IllegalArgumentException("no queue in the template"));
        String account = someArn.split(":")[4];
        String region = someArn.split(":")[3];
        Map<String, String> notifications = new LinkedHashMap<>();
        StackResources stack = new StackResources(names, template, region, account, urls, arns, topics, notifications);

        // The template's queue settings; every queue exists now, so redrive targets resolve.
        for (String id : urls.keySet()) {
            Map<String, Object> p = template.properties(id);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String name : QUEUE_ATTRIBUTES) {
                if (p.containsKey(name)) {
                    attributes.put(name, stack.intrinsics().text(p.get(name)));
                }
            }
            if (p.containsKey("RedrivePolicy")) {
                Map<?, ?> redrive = (Map<?, ?>) stack.intrinsics().resolve(p.get("RedrivePolicy"));
                attributes.put("RedrivePolicy", "{\"deadLetterTargetArn\":\"" + redrive.get("deadLetterTargetArn")
                        + "\",\"maxReceiveCount\":" + redrive.get("maxReceiveCount") + "}");
            }
            if (!attributes.isEmpty()) {
                sqs.setQueueAttributes(b -> b.queueUrl(urls.get(id)).attributesWithStrings(attributes));
            }
        }

        // S3 -> function events become S3 -> queue notifications with the same filters.
        List<QueueConfiguration> configurations = new ArrayList<>();
        for (FunctionDefinition function : stack.functions()) {
            List<FunctionDefinition.S3Trigger> triggers = function.s3Triggers().stream()
                    .filter(t -> t.bucket().equals(names.bucket())).toList();
            if (triggers.isEmpty()) {
                continue;
            }
            String url = sqs.createQueue(b -> b.queueName(names.notificationQueue(function.logicalId()))).queueUrl();
            allowBucketToSend(sqs, url, names.bucket());
            notifications.put(function.logicalId(), url);
            for (FunctionDefinition.S3Trigger trigger : triggers) {
                configurations.add(notification(arn(sqs, url), trigger));
            }
        }
        clients.s3().putBucketNotificationConfiguration(b -> b.bucket(names.bucket())
                .notificationConfiguration(n -> n.queueConfigurations(configurations)));
        return stack;
    }

    private static QueueConfiguration notification(String queueArn, FunctionDefinition.S3Trigger trigger) {
        List<FilterRule> rules = Stream.of(rule("prefix", trigger.prefix()), rule("suffix", trigger.suffix()))
                .filter(r -> r.value() != null).toList();
        return QueueConfiguration.builder()
                .id(trigger.name())
                .queueArn(queueArn)
                .events(trigger.events().stream().map(Event::fromValue).toList())
                .filter(f -> f.key(k -> k.filterRules(rules)))
                .build();
    }

    /** Lower-case rule names: AWS takes either case, moto only these. */
    private static FilterRule rule(String name, String value) {
        return FilterRule.builder().name(name).value(value).build();
    }

    public static String arn(SqsClient sqs, String queueUrl) {
        return sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** On AWS a queue accepts S3's notifications only if its policy says so. */
    private static void allowBucketToSend(SqsClient sqs, String queueUrl, String bucket) {
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                 "Action":"sqs:SendMessage","Resource":"%s",
                 "Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::%s"}}}]}""".formatted(arn(sqs, queueUrl), bucket);
        sqs.setQueueAttributes(b -> b.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
    }

    public List<FunctionDefinition> functions() {
        return template.functions(intrinsics());
    }

    /** Intrinsics resolved against the names of this deployment. */
    private Intrinsics intrinsics() {
        return new Intrinsics(new LocalLookup());
    }

    public String queueUrl(String logicalId) {
        return require(queueUrls, logicalId, "queue");
    }

    public String topicArn(String logicalId) {
        return require(topicArns, logicalId, "topic");
    }

    /** The queue (template's or a notification queue) with this ARN. */
    public Optional<String> queueUrlOfArn(String arn) {
        return queueArns.entrySet().stream().filter(e -> e.getValue().equals(arn)).map(e -> queueUrls.get(e.getKey())).findFirst();
    }

    /** Where S3 notifications for this function's events arrive, if it has S3 events. */
    public Optional<String> notificationQueue(String functionLogicalId) {
        return Optional.ofNullable(notificationQueues.get(functionLogicalId));
    }

    public String functionArn(String logicalId) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + logicalId;
    }

    /** The template's Outputs as this deployment resolves them (those that refer to local resources). */
    public Map<String, String> outputs() {
        Map<String, String> outputs = new LinkedHashMap<>();
        template.outputs().forEach((name, value) -> {
            try {
                outputs.put(name, intrinsics().text(((Map<?, ?>) value).get("Value")));
            } catch (IllegalArgumentException notLocal) {
                // e.g. the ECS cluster: not part of the local stack
            }
        });
        return outputs;
    }

    public String output(String name) {
        return Optional.ofNullable(outputs().get(name)).orElseThrow(() -> new IllegalArgumentException(
                "template.yaml has no output " + name + " that resolves locally"));
    }

    private static String require(Map<String, String> map, String key, String what) {
        return Optional.ofNullable(map.get(key)).orElseThrow(() -> new IllegalArgumentException(
                "template.yaml has no " + what + " " + key));
    }

    /** Names as this local deployment has them. */
    private final class LocalLookup implements Intrinsics.Lookup {
        @Override
        public Object ref(String name) {
            Object pseudo = switch (name) {
                case "AWS::Region" -> region;
                case "AWS::AccountId" -> account;
                case "AWS::Partition" -> "aws";
                case "AWS::StackName" -> names.prefix();
                case "AWS::URLSuffix" -> "amazonaws.com";
                default -> null;
            };
            if (pseudo != null) {
                return pseudo;
            }
            if (template.parameters().containsKey(name)) {
                if (name.equals("BucketName")) {
                    return names.bucket();
                }
                return Optional.ofNullable(Template.map(template.parameters().get(name)).get("Default"))
                        .orElseThrow(() -> new IllegalArgumentException("parameter " + name + " has no local value"));
            }
            String type = template.type(name).orElseThrow(() -> new IllegalArgumentException("!Ref " + name + ": no such name"));
            return switch (type) {
                case "AWS::S3::Bucket" -> names.bucket();
                case "AWS::SQS::Queue" -> queueUrl(name);
                case "AWS::SNS::Topic" -> topicArn(name);
                case "AWS::Serverless::Function" -> name;
                case "AWS::Logs::LogGroup" -> intrinsics().text(template.properties(name).get("LogGroupName"));
                default -> throw new IllegalArgumentException("!Ref " + name + " (" + type + ") is not part of the local stack");
            };
        }

        @Override
        public Object attribute(String resource, String attribute) {
            String type = template.type(resource).orElseThrow(() -> new IllegalArgumentException("!GetAtt " + resource + ": no such resource"));
            return switch (type + "." + attribute) {
                case "AWS::SQS::Queue.Arn" -> require(queueArns, resource, "queue");
                case "AWS::SQS::Queue.QueueName" -> names.resource(resource);
                case "AWS::SQS::Queue.QueueUrl" -> queueUrl(resource);
                case "AWS::SNS::Topic.TopicArn" -> topicArn(resource);
                case "AWS::SNS::Topic.TopicName" -> names.resource(resource);
                case "AWS::S3::Bucket.Arn" -> "arn:aws:s3:::" + names.bucket();
                case "AWS::Serverless::Function.Arn" -> functionArn(resource);
                case "AWS::Logs::LogGroup.Arn" -> "arn:aws:logs:" + region + ":" + account + ":log-group:"
                        + ref(resource) + ":*";
                default -> throw new IllegalArgumentException("!GetAtt " + resource + "." + attribute + " is not part of the local stack");
            };
        }
    }
}
