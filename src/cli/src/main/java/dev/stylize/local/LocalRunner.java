package dev.stylize.local;

import dev.stylize.functions.intake.IntakeHandler;
import dev.stylize.functions.intake.IntakeService;
import dev.stylize.functions.intake.IntakeSettings;
import dev.stylize.functions.notifier.CompletionPublisher;
import dev.stylize.functions.notifier.DeadLetterHandler;
import dev.stylize.functions.notifier.DeadLetterService;
import dev.stylize.functions.notifier.NotifierHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.stylize.images.ImageDecoder;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.plan.Init;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Stands in for Lambda where the emulator cannot run it: takes the S3 notifications and
 * dead letters the emulator queued and hands each to the very handler classes the
 * functions run. Like Lambda's asynchronous invocation it retries a failed event (the
 * message reappears) and gives up after {@value #MAX_TRIES} tries, loudly.
 */
public final class LocalRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalRunner.class);
    private static final int MAX_TRIES = 3;

    private final SqsClient sqs;
    private final List<Thread> threads;
    private volatile boolean running = true;

    public LocalRunner(AwsClients clients, StackResources stack, IntakeSettings intakeDefaults) {
        this.sqs = clients.sqs();
        JobLedger ledger = new JobLedger(new S3ObjectStore(clients.s3(), stack.names().bucket()), Clock.systemUTC());
        IntakeHandler intake = new IntakeHandler(new IntakeService(ledger, sqs, stack.jobQueueUrl(), intakeDefaults));
        NotifierHandler notifier = new NotifierHandler(new CompletionPublisher(ledger, clients.sns(), stack.topicArn()));
        DeadLetterHandler deadLetters = new DeadLetterHandler(new DeadLetterService(ledger));
        this.threads = List.of(
                consumer("intake", stack.intakeEventsUrl(), m -> {
                    intake.handleRequest(s3Event(m.body()), null);
                    return true;
                }),
                consumer("notifier", stack.outcomeEventsUrl(), m -> {
                    notifier.handleRequest(s3Event(m.body()), null);
                    return true;
                }),
                consumer("dead-letters", stack.deadLetterQueueUrl(), m -> deadLetters.handleRequest(sqsEvent(m), null)
                        .getBatchItemFailures().isEmpty()));
        threads.forEach(Thread::start);
    }

    /** The defaults of inbox jobs locally: quick enough on a CPU to watch, styled enough to see. */
    public static IntakeSettings demoDefaults() {
        return new IntakeSettings(IntakeSettings.DEFAULT_MAX_UPLOAD_BYTES, ImageDecoder.DEFAULT_MAX_PIXELS, Preset.PAPER,
                PlanOptions.of(PlanOptions.STEPS, 100).with(PlanOptions.MAX_SIZE, 256).with(PlanOptions.STYLE_WEIGHT, 1e7)
                        .with(PlanOptions.INIT, Init.CONTENT).with(PlanOptions.CHECKPOINT_EVERY, 25));
    }

    /** An S3 notification as Lambda's Java runtime reads it. */
    private static S3Event s3Event(String json) {
        return LambdaEventSerializers.serializerFor(S3Event.class, LocalRunner.class.getClassLoader()).fromJson(json);
    }

    /** A dead letter as the SQS event source mapping hands it to Lambda: a batch of one. */
    private static SQSEvent sqsEvent(Message m) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(m.messageId());
        message.setReceiptHandle(m.receiptHandle());
        message.setBody(m.body());
        message.setAttributes(Map.of("ApproximateReceiveCount", String.valueOf(receiveCount(m))));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    private Thread consumer(String name, String queueUrl, Function<Message, Boolean> handler) {
        Thread thread = new Thread(() -> {
            while (running) {
                try {
                    for (Message m : sqs.receiveMessage(b -> b.queueUrl(queueUrl).waitTimeSeconds(2)
                            .maxNumberOfMessages(10).visibilityTimeout(30)
                            .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages()) {
                        deliver(name, queueUrl, m, handler);
                    }
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.warnf("%s: cannot poll (%s); retrying", name, e.getMessage());
                        sleep(2000);
                    }
                }
            }
        }, "runner-" + name);
        thread.setDaemon(true);
        return thread;
    }

    private void deliver(String name, String queueUrl, Message m, Function<Message, Boolean> handler) {
        boolean done;
        try {
            done = handler.apply(m);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s failed on message %s (try %d of %d)", name, m.messageId(), receiveCount(m), MAX_TRIES);
            done = false;
        }
        if (done) {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        } else if (receiveCount(m) >= MAX_TRIES) {
            LOG.errorf("%s gave up on message %s after %d tries: %s", name, m.messageId(), MAX_TRIES, m.body());
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        } else {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(5));
        }
    }

    private static int receiveCount(Message m) {
        String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        return count == null ? 1 : Integer.parseInt(count);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Run as its own process by {@code bin/stylize local up}; configured by STYLIZE_* variables. */
    public static void main(String[] args) throws InterruptedException {
        AwsClients clients = AwsClients.fromEnvironment();
        LocalNames names = LocalNames.withPrefix(System.getenv().getOrDefault("STYLIZE_LOCAL_PREFIX", "stylize-local"));
        StackResources stack = StackResources.ensure(clients, names);
        LocalRunner runner = new LocalRunner(clients, stack, demoDefaults());
        Runtime.getRuntime().addShutdownHook(new Thread(runner::close));
        LOG.infof("handing S3 events of %s and its dead letters to the function handlers", names.bucket());
        Thread.currentThread().join();
    }
}
