package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.WeightsSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "weights", description = "Manage VGG19 weight files.",
        subcommands = WeightsCommand.Synth.class)
final class WeightsCommand {

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Writes seeded Kaiming-normal VGG19 weights (torchvision layout, safetensors) for tests "
                    + "and demos. Every run on them says they are generated.")
    static final class Synth implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
                description = "Random seed; the same seed writes the same bytes everywhere (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The .safetensors file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            try (NDManager manager = NDManager.newBaseManager()) {
                SyntheticWeights.write(manager, seed, out);
            }
            spec.commandLine().getOut().printf("wrote generated VGG19 weights (seed %d) to %s, sha256 %s%n",
                    seed, out, WeightsSource.digest(out));
            return 0;
        }
    }
}
