package dev.stylize.local;

import dev.stylize.functions.intake.IntakeHandler;
import dev.stylize.functions.intake.IntakeService;
import dev.stylize.functions.intake.IntakeSettings;
import dev.stylize.functions.notifier.CompletionPublisher;
import dev.stylize.functions.notifier.DeadLetterHandler;
import dev.stylize.functions.notifier.DeadLetterService;
import dev.stylize.functions.notifier.NotifierHandler;
import dev.stylize.jobs.JobOptions;
import dev.stylize.jobs.JobStore;
import dev.stylize.jobs.Json;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.events.S3EventNotification;
import dev.stylize.jobs.events.SqsEvent;
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
        JobStore store = new JobStore(clients.s3(), stack.names().bucket());
        IntakeHandler intake = new IntakeHandler(new IntakeService(store, sqs, stack.jobQueueUrl(), intakeDefaults,
                Clock.systemUTC()));
        NotifierHandler notifier = new NotifierHandler(new CompletionPublisher(store, clients.sns(), stack.topicArn()));
        DeadLetterHandler deadLetters = new DeadLetterHandler(new DeadLetterService(store, Clock.systemUTC()));
        this.threads = List.of(
                consumer("intake", stack.intakeEventsUrl(), m -> {
                    intake.handleRequest(Json.read(m.body(), S3EventNotification.class), null);
                    return true;
                }),
                consumer("notifier", stack.outcomeEventsUrl(), m -> {
                    notifier.handleRequest(Json.read(m.body(), S3EventNotification.class), null);
                    return true;
                }),
                consumer("dead-letters", stack.deadLetterQueueUrl(), m -> deadLetters.handleRequest(
                        new SqsEvent(List.of(new SqsEvent.Message(m.messageId(), m.receiptHandle(), m.body(),
                                Map.of("ApproximateReceiveCount", String.valueOf(receiveCount(m))), null))), null)
                        .batchItemFailures().isEmpty()));
        threads.forEach(Thread::start);
    }

    /** The defaults of inbox jobs locally: quick enough on a CPU to watch, styled enough to see. */
    public static IntakeSettings demoDefaults() {
        return new IntakeSettings(IntakeSettings.DEFAULT_MAX_UPLOAD_BYTES, IntakeSettings.DEFAULT_MAX_PIXELS, "paper",
                new JobOptions(100, 256, null, 1e7, null, null, null, "content", null, null, 25, null, null));
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
