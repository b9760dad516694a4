package dev.stylize.cli;

import dev.stylize.plan.InvalidInputException;
import dev.stylize.engine.CudaRuntime;
import dev.stylize.engine.OptimizationDivergedException;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.optim.DamagedCheckpointException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/stylize}: neural style transfer from the command line. */
@Command(name = "stylize", mixinStandardHelpOptions = true, version = "stylize 0.1.0",
        description = "Repaints a photo in the style of a painting (Gatys et al. 2016, VGG19 on DJL/PyTorch).",
        subcommands = {RunCommand.class, WeightsCommand.class, BenchCommand.class, DoctorCommand.class, LocalCommand.class,
                SubmitCommand.class, RedriveCommand.class, ConsoleCommand.class, CommandLine.HelpCommand.class})
public final class Stylize {
    /** Exit code for input the user must change (not an image, too large, option out of bounds) or a damaged checkpoint. */
    static final int EXIT_INVALID_INPUT = 2;
    /** Exit code for weights that cannot be fetched, verified or read. */
    static final int EXIT_WEIGHTS = 3;
    /** Exit code for an optimisation whose loss became NaN or infinite. */
    static final int EXIT_DIVERGED = 4;

    public static void main(String[] args) {
        CudaRuntime.install(); // before anything asks DJL for a GPU: libtorch's own CUDA runtime, found by name
        System.exit(commandLine().execute(args));
    }

    /** The command line with the one place that maps failures to exit codes and messages. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Stylize()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            int code = switch (e) {
                case InvalidInputException invalid -> EXIT_INVALID_INPUT; // InvalidImageException too
                case DamagedCheckpointException damaged -> EXIT_INVALID_INPUT;
                case WeightsException weights -> EXIT_WEIGHTS;
                case OptimizationDivergedException diverged -> EXIT_DIVERGED;
                default -> throw e;
            };
            command.getErr().println("stylize: " + e.getMessage());
            return code;
        });
        return cli;
    }
}
