package dev.stylize.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.MemoryPlan;
import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleRun;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.images.ImageDecoder;
import dev.stylize.images.ImageEncoder;
import dev.stylize.images.ResultEncoder;
import dev.stylize.plan.ResultFormat;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.StylePlan;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Stylises a photo: optimises an image whose VGG19 features match the photo's content and "
                + "the painting's style.")
final class RunCommand extends Subcommand {
    @Option(names = "--content", required = true, paramLabel = "IMAGE", description = "The photo (JPEG, PNG, WebP, TIFF).")
    Path content;

    @Option(names = "--style", required = true, paramLabel = "IMAGE",
            description = "The painting; repeat to blend several.")
    List<Path> styles;

    @Option(names = "--style-weights", split = ",", paramLabel = "W,W…",
            description = "Blend weight of each --style, e.g. 0.7,0.3 (default: equal).")
    List<Double> styleWeights;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Result image; .jpg/.jpeg writes JPEG, anything else PNG (unless --format says otherwise).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", description = "png, png16 (16 bits a channel), jpeg or tiff16.")
    ResultFormat format;

    @ArgGroup(validate = false, heading = "%nOptimisation (defaults come from the preset):%n")
    StyleArguments styleArguments = new StyleArguments();

    @ArgGroup(validate = false, heading = "%nOutput:%n")
    Output output = new Output();

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

    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "" + ImageDecoder.DEFAULT_MAX_PIXELS,
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
        PlanOptions options = styleArguments.options();
        if (output.checkpointEvery < 0) {
            throw new InvalidInputException("--checkpoint-every must be 0 or more, got " + output.checkpointEvery);
        }
        if (output.checkpointEvery > 0) {
            options = options.with(PlanOptions.CHECKPOINT_EVERY, output.checkpointEvery).validate(Limits.ENGINE);
        }
        Precision used = precision != null ? precision : Precision.bestForThisCpu();
        ImageDecoder decoder = new ImageDecoder(maxPixels);
        BufferedImage contentImage = decoder.decode(content);
        List<BufferedImage> styleImages = styles.stream().map(decoder::decode).toList();
        List<Double> blend = styleWeights != null ? styleWeights : styles.stream().map(s -> 1.0).toList();
        StyleInputs originals = new StyleInputs(contentImage, styleImages, blend);
        StylePlan plan = styleArguments.preset.plan(contentImage.getWidth(), contentImage.getHeight(), options)
                .requireWithin(Limits.ENGINE);
        StyleInputs result = originals.sizedFor(plan, plan.schedule().get(plan.schedule().size() - 1));
        Device device = Engine.getInstance().defaultDevice();
        MemoryEstimate.Profile profile = MemoryEstimate.profile(device, used);
        MemoryBudget budget = MemoryBudget.ofAvailableMemory(device).withTileSize(tileSize == null ? 0 : tileSize);
        // Refused here, before the weights load, if some scale does not fit even in tiles, naming the largest
        // size that would; the run plans each scale within the same budget.
        PlanOptions asked = options;
        profile.require(plan, size -> styleArguments.preset.plan(contentImage.getWidth(), contentImage.getHeight(),
                asked.with(PlanOptions.MAX_SIZE, size)), contentImage.getWidth(), contentImage.getHeight(), budget.bytes());
        MemoryPlan finest = profile.plan(result.content().getWidth(), result.content().getHeight(),
                plan.optimizer(), plan.schedule().get(plan.schedule().size() - 1).steps(), budget);

        try (NDManager manager = NDManager.newBaseManager()) {
            Vgg19Weights vggWeights = weights.load(manager, err);
            err.printf("content %s %dx%d, style %s at %dx%d (weights %s), device %s%n", content.getFileName(),
                    result.content().getWidth(), result.content().getHeight(),
                    styles.stream().map(p -> p.getFileName().toString()).toList(), result.style().getWidth(),
                    result.style().getHeight(), blend, manager.getDevice());
            err.println("plan: " + plan.summary() + " precision=" + used);
            err.println("memory at " + plan.size() + " px: " + finest.summary());
            try (Vgg19Features vgg = new Vgg19Features(vggWeights, plan.pooling(), used);
                 Progress progress = new Progress(plan);
                 StyleRun run = output.resume == null
                         ? StyleRun.start(vgg, originals, plan, manager, progress, budget)
                         : StyleRun.resume(vgg, originals, plan, manager, progress, Files.readAllBytes(output.resume), budget)) {
                progress.resumedAt(run.stepsDone());
                run.run(() -> false);
                ResultFormat chosen = format != null ? format
                        : ImageEncoder.forFileName(out.toString()) == ImageEncoder.JPEG ? ResultFormat.JPEG : ResultFormat.PNG;
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.write(out, chosen.sixteenBits() ? ResultEncoder.encode(chosen, run.resultFloats())
                        : ResultEncoder.encode(chosen, run.result()));
            }
        }
        spec.commandLine().getOut().println("wrote " + out);
        return 0;
    }

    /** What a run shows and keeps as it goes: the progress bar, the --trace lines, the --checkpoint-every files. */
    private final class Progress implements StyleRun.Listener, AutoCloseable {
        private final ObjectMapper json = new ObjectMapper();
        private final boolean scaled;
        private final BufferedWriter trace;
        private final int total;
        private ProgressBar bar;

        Progress(StylePlan plan) throws IOException {
            this.scaled = plan.schedule().size() > 1;
            this.total = plan.totalSteps();
            this.trace = output.trace == null ? null : Files.newBufferedWriter(output.trace);
        }

        void resumedAt(int step) {
            bar = ProgressBars.steps("stylize", total, step);
        }

        @Override
        public void stepped(StyleRun run, StepReport report) {
            bar.stepTo(run.stepsDone());
            bar.setExtraMessage(String.format(Locale.ROOT, scaled ? " %2$d px, loss %1$.4g" : " loss %.4g",
                    report.loss(), run.scale().size()));
            if (trace != null) {
                ObjectNode line = json.valueToTree(report);
                if (scaled) {
                    line.put("scale", run.scaleIndex()).put("size", run.scale().size());
                }
                try {
                    trace.write(line.toString());
                    trace.newLine();
                    trace.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        @Override
        public void checkpoint(StyleRun run) {
            try {
                Files.createDirectories(output.checkpointDir);
                String name = String.format(Locale.ROOT, "step-%06d", run.stepsDone());
                ImageEncoder.PNG.write(run.image(), output.checkpointDir.resolve(name + ".png"));
                Path state = output.checkpointDir.resolve(name + ".state");
                Path partial = output.checkpointDir.resolve(name + ".state.part");
                Files.write(partial, run.snapshot());
                Files.move(partial, state, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (bar != null) {
                bar.close();
            }
            if (trace != null) {
                trace.close();
            }
        }
    }
}
