package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleOptions;
import dev.stylize.engine.StyleTransfer;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ImageEncoder;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.StandardCopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stylises a photo: optimises an image whose VGG19 features match the photo's content and "
                + "the painting's style.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--content", required = true, paramLabel = "IMAGE", description = "The photo (JPEG, PNG, WebP, TIFF).")
    Path content;

    @Option(names = "--style", required = true, paramLabel = "IMAGE",
            description = "The painting; repeat to blend several.")
    List<Path> styles;

    @Option(names = "--style-weights", split = ",", paramLabel = "W,W…",
            description = "Blend weight of each --style, e.g. 0.7,0.3 (default: equal).")
    List<Double> styleWeights;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Result image; .jpg/.jpeg writes JPEG, anything else PNG.")
    Path out;

    @ArgGroup(validate = false, heading = "%nOptimisation (defaults come from the preset):%n")
    StyleArguments style_ = new StyleArguments();

    @ArgGroup(validate = false, heading = "%nOutput:%n")
    Output output = new Output();

    @Option(names = "--style-scale", paramLabel = "S", defaultValue = "1",
            description = "The paintings' size relative to the result, 0.1 to 4: below 1 gives larger brush strokes (default: ${DEFAULT-VALUE}).")
    double styleScale;

    @Option(names = "--keep-colors", description = "Keep the photo's colours: only the luminance is stylised.")
    boolean keepColors;

    @Mixin
    WeightsOptions weights = new WeightsOptions();

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "40000000",
            description = "Refuse inputs whose header declares more pixels than this (default: ${DEFAULT-VALUE}).")
    long maxPixels;

    static final class Output {
        @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
                description = "Write the image and a resumable state to --checkpoint-dir every N steps (0: never).")
        int checkpointEvery;

        @Option(names = "--checkpoint-dir", paramLabel = "DIR", defaultValue = "checkpoints",
                description = "Folder for checkpoints (default: ${DEFAULT-VALUE}).")
        Path checkpointDir;

        @Option(names = "--resume", paramLabel = "STATE", description = "Continue from a checkpoint's .state file.")
        Path resume;

        @Option(names = "--trace", paramLabel = "FILE", description = "Write one JSON object per step (JSON Lines).")
        Path trace;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        StyleOptions options = style_.resolve().validate();
        if (output.checkpointEvery < 0) {
            throw new InvalidInputException("--checkpoint-every must be 0 or more, got " + output.checkpointEvery);
        }
        ImageDecoder decoder = new ImageDecoder(maxPixels);
        BufferedImage contentImage = decoder.decode(content);
        List<BufferedImage> styleImages = styles.stream().map(decoder::decode).toList();
        List<Double> blend = styleWeights != null ? styleWeights : styles.stream().map(s -> 1.0).toList();
        StyleInputs inputs = StyleInputs.prepare(contentImage, styleImages, blend, options, styleScale);

        try (NDManager manager = NDManager.newBaseManager()) {
            Vgg19Weights vggWeights = weights.load(manager, err);
            Vgg19Features vgg = new Vgg19Features(vggWeights, options.pooling());
            err.printf("content %s %dx%d, style %s at %dx%d (weights %s), device %s%n", content.getFileName(),
                    inputs.content().getWidth(), inputs.content().getHeight(),
                    styles.stream().map(p -> p.getFileName().toString()).toList(), inputs.style().getWidth(),
                    inputs.style().getHeight(), blend, manager.getDevice());
            err.println("options: " + options.summary());
            try (StyleTransfer run = output.resume == null
                    ? StyleTransfer.start(vgg, inputs, options, manager)
                    : StyleTransfer.resume(vgg, inputs, options, manager, Files.readAllBytes(output.resume))) {
                optimise(run, err);
                BufferedImage result = keepColors ? ColorTransfer.keepColors(run.image(), inputs.content()) : run.image();
                ImageEncoder.forFileName(out.toString()).write(result, out);
            }
        }
        spec.commandLine().getOut().println("wrote " + out);
        return 0;
    }

    private void optimise(StyleTransfer run, PrintWriter err) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter trace = output.trace == null ? null : Files.newBufferedWriter(output.trace);
             ProgressBar bar = new ProgressBarBuilder()
                     .setTaskName("stylize")
                     .setInitialMax(run.options().steps())
                     .startsFrom(run.stepsDone(), Duration.ZERO)
                     .setStyle(ProgressBarStyle.ASCII)
                     .setUnit(" it", 1)
                     .showSpeed()
                     .setConsumer(new ConsoleProgressBarConsumer(System.err))
                     .build()) {
            while (!run.isFinished()) {
                StepReport report = run.step();
                bar.stepTo(report.step());
                bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4g", report.loss()));
                if (trace != null) {
                    trace.write(json.writeValueAsString(report));
                    trace.newLine();
                    trace.flush();
                }
                if (output.checkpointEvery > 0 && report.step() % output.checkpointEvery == 0) {
                    checkpoint(run, err);
                }
            }
        }
    }

    private void checkpoint(StyleTransfer run, PrintWriter err) throws IOException {
        Files.createDirectories(output.checkpointDir);
        String name = String.format(Locale.ROOT, "step-%06d", run.stepsDone());
        ImageEncoder.PNG.write(run.image(), output.checkpointDir.resolve(name + ".png"));
        Path state = output.checkpointDir.resolve(name + ".state");
        Path partial = output.checkpointDir.resolve(name + ".state.part");
        Files.write(partial, run.snapshot());
        Files.move(partial, state, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
