package dev.stylize.worker;

import dev.stylize.engine.CoarseToFine;
import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.Preset;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.StyleOverrides;
import dev.stylize.engine.model.Pooling;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobOptions;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** A job's preset and options as the engine's {@link StyleOptions}. */
final class JobSettings {
    private JobSettings() {
    }

    static StyleOptions styleOptions(Job job) {
        try {
            JobOptions o = job.options();
            return new StyleOverrides(o.steps(), o.maxSize(), o.contentWeight(), o.styleWeight(), o.tvWeight(), null,
                    parse(o.optimizer(), OptimizerKind::valueOf), o.learningRate(), parse(o.init(), Init::valueOf),
                    o.seed(), parse(o.pooling(), Pooling::valueOf)).applyTo(preset(job).options()).validate();
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new PermanentJobFailure("the job's settings are invalid: " + e.getMessage(), e);
        }
    }

    /**
     * The preset's schedule for the result's size (quality: coarse to fine), or, when the job
     * gives its own step count, those steps at the full size, as {@code bin/stylize run} does.
     */
    static List<CoarseToFine.Scale> schedule(Job job, StyleOptions options, BufferedImage content) {
        int size = Math.min(options.maxSize(), Math.max(content.getWidth(), content.getHeight()));
        return preset(job).schedule(size, job.options().steps());
    }

    private static Preset preset(Job job) {
        return Preset.valueOf(job.preset().toUpperCase(Locale.ROOT));
    }

    private static <T> T parse(String value, Function<String, T> parser) {
        return value == null ? null : parser.apply(value.toUpperCase(Locale.ROOT));
    }
}
