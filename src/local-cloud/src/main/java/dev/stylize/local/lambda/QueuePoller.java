package dev.stylize.local.lambda;

import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * An event source's loop over one queue until it is stopped: a poll that fails (the emulator
 * restarting, say) is logged and tried again after a pause, as Lambda's pollers keep polling.
 */
abstract class QueuePoller implements Runnable {
    final Logger log = Logger.getLogger(getClass());
    final String function;
    final SqsClient sqs;
    final String queueUrl;
    private volatile boolean running = true;

    QueuePoller(String function, SqsClient sqs, String queueUrl) {
        this.function = function;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** One round: what the queue has now, handed to the function. */
    abstract void poll() throws InterruptedException;

    @Override
    public final void run() {
        while (running) {
            try {
                poll();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (running) {
                    log.warnf("%s: cannot poll %s (%s); retrying", function, queueUrl, e.getMessage());
                    LocalLambda.sleep(2000);
                }
            }
        }
    }

    void stop() {
        running = false;
    }
}
