package dev.stylize.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * /q/health/live: the job loop runs. /q/health/ready: the weights are loaded and the queue is polled;
 * its data says how many job slots the worker has and how many are taken.
 */
@ApplicationScoped
public class WorkerHealth {
    @Inject
    Worker worker;

    @Liveness
    HealthCheck loop() {
        return () -> HealthCheckResponse.named("job-loop").status(worker.isAlive()).build();
    }

    @Readiness
    HealthCheck polling() {
        return () -> HealthCheckResponse.named("polling").status(worker.isReady())
                .withData("slots", worker.slots()).withData("busySlots", worker.busySlots()).build();
    }
}
