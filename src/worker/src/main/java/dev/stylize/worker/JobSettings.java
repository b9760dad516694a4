package dev.stylize.worker;

import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.Preset;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.StyleOptions.Init;
import dev.stylize.engine.StyleOptions.OptimizerKind;
import dev.stylize.engine.StyleOverrides;
import dev.stylize.engine.model.Pooling;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobOptions;

import java.util.Locale;
import java.util.function.Function;

/** A job's preset and options as the engine's {@link StyleOptions}. */
final class JobSettings {
    private JobSettings() {
    }

    static StyleOptions styleOptions(Job job) {
        try {
            Preset preset = Preset.valueOf(job.preset().toUpperCase(Locale.ROOT));
            JobOptions o = job.options();
            return new StyleOverrides(o.steps(), o.maxSize(), o.contentWeight(), o.styleWeight(), o.tvWeight(), null,
                    parse(o.optimizer(), OptimizerKind::valueOf), o.learningRate(), parse(o.init(), Init::valueOf),
                    o.seed(), parse(o.pooling(), Pooling::valueOf)).applyTo(preset.options()).validate();
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new PermanentJobFailure("the job's settings are invalid: " + e.getMessage(), e);
        }
    }

    private static <T> T parse(String value, Function<String, T> parser) {
        return value == null ? null : parser.apply(value.toUpperCase(Locale.ROOT));
    }
}
