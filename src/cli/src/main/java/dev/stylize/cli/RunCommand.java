package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.engine.CoarseToFine;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.MemoryPlan;
import dev.stylize.engine.InvalidInputException;
import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleOptions;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ImageEncoder;
import dev.stylize.engine.model.Precision;
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

    @Option(names = "--scales", paramLabel = "N",
            description = "Coarse-to-fine: optimise at N sizes halving down from the result's, each starting from the "
                    + "previous result upsampled (default: the preset's; quality goes coarse to fine from about "
                    + "128 px, the others use 1).")
    Integer scales;

    @Option(names = "--scale-steps", split = ",", paramLabel = "N,N…",
            description = "Steps at each scale, coarsest first (default: --steps at every scale). Giving --steps, "
                    + "--scales or --scale-steps replaces the preset's schedule.")
    List<Integer> scaleSteps;

    @Option(names = "--precision", paramLabel = "P",
            description = "Number format of VGG's convolutions: ${COMPLETION-CANDIDATES} (default: bf16 where the CPU "
                    + "computes it natively, AVX-512 bf16 or AMX, else fp32). bf16 is about 1.7x faster there and "
                    + "uses a GPU's tensor cores; Gram matrices, losses and the image stay float32.")
    Precision precision;

    @Option(names = "--tile-size", paramLabel = "PX",
            description = "Run every scale larger than PX in tiles of at most PX a side (a multiple of 16, from 128), "
                    + "whatever the memory (default: tiles only where the untiled steps would not fit; the result is "
                    + "the same either way).")
    Integer tileSize;

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
        if (precision == null) {
            precision = Precision.bestForThisCpu();
        }
        if (output.checkpointEvery < 0) {
            throw new InvalidInputException("--checkpoint-every must be 0 or more, got " + output.checkpointEvery);
        }
        ImageDecoder decoder = new ImageDecoder(maxPixels);
        BufferedImage contentImage = decoder.decode(content);
        List<BufferedImage> styleImages = styles.stream().map(decoder::decode).toList();
        List<Double> blend = styleWeights != null ? styleWeights : styles.stream().map(s -> 1.0).toList();
        StyleInputs inputs = StyleInputs.prepare(contentImage, styleImages, blend, options, styleScale);

        List<CoarseToFine.Scale> schedule = schedule(options, Math.max(inputs.content().getWidth(), inputs.content().getHeight()));
        MemoryBudget budget = MemoryBudget.ofAvailableMemory().withTileSize(tileSize == null ? 0 : tileSize);
        MemoryPlan finest = MemoryEstimate.plan(inputs.content().getWidth(), inputs.content().getHeight(),
                options.optimizer(), schedule.get(schedule.size() - 1).steps(), budget);
        StyleInputs originals = new StyleInputs(contentImage, styleImages, blend);

        try (NDManager manager = NDManager.newBaseManager()) {
            Vgg19Weights vggWeights = weights.load(manager, err);
            err.printf("content %s %dx%d, style %s at %dx%d (weights %s), device %s%n", content.getFileName(),
                    inputs.content().getWidth(), inputs.content().getHeight(),
                    styles.stream().map(p -> p.getFileName().toString()).toList(), inputs.style().getWidth(),
                    inputs.style().getHeight(), blend, manager.getDevice());
            try (Vgg19Features vgg = new Vgg19Features(vggWeights, options.pooling(), precision);
                 CoarseToFine run = output.resume == null
                         ? CoarseToFine.start(vgg, originals, styleScale, options, schedule, manager,
                                 CoarseToFine.Listener.NONE, budget)
                         : CoarseToFine.resume(vgg, originals, styleScale, options, schedule, manager,
                                 CoarseToFine.Listener.NONE, Files.readAllBytes(output.resume), budget)) {
                err.println("options: " + options.withSteps(run.totalSteps()).summary() + " precision=" + precision
                        + " scales=" + schedule);
                err.println("memory at " + schedule.get(schedule.size() - 1).size() + " px: " + finest.summary());
                optimise(run);
                BufferedImage result = keepColors ? ColorTransfer.keepColors(run.image(), run.content()) : run.image();
                ImageEncoder.forFileName(out.toString()).write(result, out);
            }
        }
        spec.commandLine().getOut().println("wrote " + out);
        return 0;
    }

    /** The user's --scales/--scale-steps/--steps if any was given, else the preset's own schedule. */
    private List<CoarseToFine.Scale> schedule(StyleOptions options, int size) {
        if (scales == null && scaleSteps == null) {
            return style_.preset.schedule(size, style_.steps);
        }
        int count = scales != null ? scales : scaleSteps.size();
        return CoarseToFine.schedule(size, count, scaleSteps != null ? scaleSteps : List.of(options.steps()));
    }

    private static ProgressBar progressBar(int total, int start) {
        return new ProgressBarBuilder()
                .setTaskName("stylize")
                .setInitialMax(total)
                .startsFrom(start, Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" it", 1)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    /** Steps to the end with a progress bar, the --trace lines and the --checkpoint-every checkpoints. */
    private void optimise(CoarseToFine run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        boolean scaled = run.scales().size() > 1;
        try (BufferedWriter trace = output.trace == null ? null : Files.newBufferedWriter(output.trace);
             ProgressBar bar = progressBar(run.totalSteps(), run.stepsDone())) {
            while (!run.isFinished()) {
                StepReport report = run.step();
                bar.stepTo(run.stepsDone());
                bar.setExtraMessage(String.format(Locale.ROOT, scaled ? " %2$d px, loss %1$.4g" : " loss %.4g",
                        report.loss(), run.scale().size()));
                if (trace != null) {
                    ObjectNode line = json.valueToTree(report);
                    if (scaled) {
                        line.put("scale", run.scaleIndex()).put("size", run.scale().size());
                    }
                    trace.write(line.toString());
                    trace.newLine();
                    trace.flush();
                }
                if (output.checkpointEvery > 0 && run.stepsDone() % output.checkpointEvery == 0) {
                    checkpoint(run);
                }
            }
        }
    }

    private void checkpoint(CoarseToFine run) throws IOException {
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
