package dev.stylize.worker;

import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.plan.Pooling;

import java.util.EnumMap;
import java.util.Map;

/**
 * VGG's network as the jobs run it, prepared once per pooling for the life of the worker and shared
 * by every running job: a pass only reads the network, so jobs side by side need no copy of their
 * own, and a job starts without copying the weights (tens of milliseconds, and a copy per slot that
 * the memory estimate does not count).
 */
final class Networks {
    private final Vgg19Weights weights;
    private final Precision precision;
    private final Map<Pooling, Vgg19Features> prepared = new EnumMap<>(Pooling.class);

    Networks(Vgg19Weights weights, Precision precision) {
        this.weights = weights;
        this.precision = precision;
    }

    /** The network for {@code pooling}, prepared on first use; it lives as long as the weights. */
    synchronized Vgg19Features of(Pooling pooling) {
        return prepared.computeIfAbsent(pooling, p -> new Vgg19Features(weights, p, precision));
    }
}
