package dev.stylize.worker;

import ai.djl.ndarray.NDManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The worker process's lifecycle: at start-up its parts are built (a bad setting stops it
 * there) and the job loop starts; on SIGTERM (scale-in, a spot interruption, a deployment) every
 * running job checkpoints and releases its message before the process exits.
 */
@ApplicationScoped
public class Worker {
    private static final Logger LOG = Logger.getLogger(Worker.class);
    /** Longest we hold up shutdown for the running jobs to checkpoint and release their messages. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    @Inject
    WorkerConfig config;

    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("heartbeat").daemon().factory());
    private NDManager manager;
    private volatile JobLoop loop;

    void onStart(@Observes StartupEvent event) {
        if (!config.polling()) {
            LOG.info("polling is off (stylize.polling=false): serving health only");
            return;
        }
        manager = NDManager.newBaseManager(WorkerWiring.device(config.device()));
        loop = WorkerWiring.loop(config, manager, heartbeats);
        new Thread(loop, "job-loop").start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            LOG.infof("stopping: the %d running job(s) checkpoint and release their messages", loop.busySlots());
            if (!loop.stop(STOP_GRACE.toSeconds())) {
                LOG.warn("job loop did not stop in time; its message reappears when its visibility runs out");
            }
        }
        heartbeats.shutdownNow();
        if (manager != null) {
            manager.close();
        }
    }

    /** Ready: the weights are loaded and the loop takes work. */
    boolean isReady() {
        return loop != null && loop.isTakingWork();
    }

    /** Job slots, and how many are taken now; 0 and 0 while polling is off. */
    int slots() {
        return loop == null ? 0 : loop.slots();
    }

    int busySlots() {
        return loop == null ? 0 : loop.busySlots();
    }

    /** Alive: the loop runs (or polling is off and the process serves health only). */
    boolean isAlive() {
        return !config.polling() || (loop != null && loop.isAlive());
    }
}
