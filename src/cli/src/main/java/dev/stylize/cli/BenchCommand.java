package dev.stylize.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.MemoryPlan;
import dev.stylize.engine.StepReport;
import dev.stylize.engine.StyleInputs;
import dev.stylize.engine.StyleRun;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.Vgg19Features;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.tensor.TensorImages;
import dev.stylize.plan.InvalidInputException;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Speed and memory of one optimisation step, and what an image would cost at that speed; or, with
 * {@code --jobs}, how many whole images an hour several jobs at once paint. Prints one JSON object. Not a test.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times optimisation steps (VGG19 forward + gradient + update) on a square image and prints "
                + "one JSON object: median ms per step, peak resident memory, settings; with --price-per-hour, "
                + "also the cost of a quality-preset image at 512, 1024 and 2048 px on this host. With --jobs N: "
                + "runs N quality-preset jobs at once instead, as a worker's job slots do, and prints imagesPerHour.")
final class BenchCommand extends Subcommand {
    @Option(names = "--size", defaultValue = "512", paramLabel = "PX", description = "Image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--precision", defaultValue = "FP32", paramLabel = "P",
            description = "Number format of VGG's convolutions: ${COMPLETION-CANDIDATES} (default: fp32).")
    Precision precision;

    @Option(names = "--iterations", defaultValue = "10", paramLabel = "K", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", paramLabel = "K", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--tile-size", paramLabel = "PX",
            description = "Run the steps in tiles of at most PX a side (default: only if the untiled step does not fit).")
    Integer tileSize;

    @Option(names = "--preset", defaultValue = "SEED", paramLabel = "NAME", description = "Loss and optimiser: ${COMPLETION-CANDIDATES}.")
    Preset preset;

    @Option(names = "--price-per-hour", paramLabel = "USD",
            description = "The hourly price of this host (e.g. 1.006 for an On-Demand g5.xlarge in us-east-1): adds "
                    + "costPerImage, the measured step scaled by pixels over the quality preset's schedule (with "
                    + "--jobs: the price over the images an hour measured), plus the per-job Lambda, S3, SQS and SNS "
                    + "requests.")
    Double pricePerHour;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Run N whole quality-preset jobs at --size at once, each on its own thread as the worker's "
                    + "job slots do, and print images per hour instead of timing steps.")
    Integer jobs;

    @Option(names = "--images", defaultValue = "3", paramLabel = "K",
            description = "With --jobs: images each of the N paints back to back, after one untimed image that warms "
                    + "the engine up (default: ${DEFAULT-VALUE}).")
    int images;

    @Mixin
    WeightsOptions weights = new WeightsOptions();

    @Override
    public Integer call() throws IOException {
        if (iterations < 1 || warmup < 0) {
            throw new InvalidInputException("--iterations must be at least 1 and --warmup at least 0");
        }
        if (pricePerHour != null && !(pricePerHour > 0)) {
            throw new InvalidInputException("--price-per-hour must be a positive number of dollars, got " + pricePerHour);
        }
        if (jobs != null && (jobs < 1 || images < 1)) {
            throw new InvalidInputException("--jobs and --images must be at least 1");
        }
        String weightsUsed = weights.given() ? weights.location : "generated (seed 0)";
        Timed timed;
        String device;
        try (NDManager manager = NDManager.newBaseManager()) {
            device = manager.getDevice().toString();
            Vgg19Weights vggWeights = weights.given() ? weights.load(manager, spec.commandLine().getErr())
                    : Vgg19Weights.fromSafetensors(manager, SyntheticWeights.generate(manager, 0));
            MemoryBudget budget = MemoryBudget.ofAvailableMemory(manager.getDevice())
                    .withTileSize(tileSize == null ? 0 : tileSize);
            if (jobs != null) {
                Throughput throughput = throughput(vggWeights, manager, budget, device, weightsUsed);
                spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(throughput));
                return 0;
            }
            timed = timeSteps(vggWeights, manager, size, precision, preset, warmup, iterations, budget, null);
        }
        Result result = new Result(size, precision.name().toLowerCase(), preset.name().toLowerCase(), iterations,
                round(timed.median()), round(timed.fastest()), round(timed.slowest()),
                peakResidentMiB(), timed.memory().tiled() ? timed.memory().tileSize() : null, device,
                Runtime.getRuntime().availableProcessors(), System.getenv("GLIBC_TUNABLES") != null, weightsUsed,
                pricePerHour == null ? null : costPerImage(timed.median() / 1000));
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(result));
        return 0;
    }

    /**
     * What {@code bench --jobs} prints: {@code images} quality-preset images of {@code size} px painted by
     * {@code jobs} jobs at once in {@code wallSeconds}, and each image's own seconds (median, slowest).
     */
    record Throughput(int jobs, int size, String precision, String preset, int images, double wallSeconds,
                      double imagesPerHour, double medianImageSeconds, double maxImageSeconds, long peakRssMiB,
                      String device, int threads, String weights,
                      @JsonInclude(JsonInclude.Include.NON_NULL) CostRow costPerImage) {
    }

    /** N jobs at once, each painting {@link #images} images back to back, after one image alone to warm up. */
    private Throughput throughput(Vgg19Weights vggWeights, NDManager manager, MemoryBudget budget, String device,
                                  String weightsUsed) throws IOException {
        StylePlan plan = Preset.QUALITY.plan(size, size, PlanOptions.of(PlanOptions.MAX_SIZE, size).validate(Limits.ENGINE));
        StyleInputs inputs = new StyleInputs(noiseImage(manager, size, 1), noiseImage(manager, size, 2));
        MemoryBudget each = new MemoryBudget(budget.bytes() / jobs, budget.tileSize());
        paint(vggWeights, manager, plan, inputs, each);
        List<Double> seconds = Collections.synchronizedList(new ArrayList<>());
        Callable<Void> slot = () -> {
            for (int i = 0; i < images; i++) {
                long began = System.nanoTime();
                paint(vggWeights, manager, plan, inputs, each);
                seconds.add((System.nanoTime() - began) / 1e9);
            }
            return null;
        };
        long start = System.nanoTime();
        try (ExecutorService slots = Executors.newFixedThreadPool(jobs)) {
            for (Future<Void> done : slots.invokeAll(Collections.nCopies(jobs, slot))) {
                done.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double perHour = sorted.length * 3600 / wall;
        double median = new Timed(sorted, null).median();
        CostRow cost = null;
        if (pricePerHour != null) {
            CostModel.Image image = CostModel.measuredThroughput(pricePerHour, Preset.QUALITY, size, perHour, median);
            cost = new CostRow(size, image.steps(), round(image.seconds()), dollars(image.instance()),
                    dollars(image.serverless()), dollars(image.total()));
        }
        return new Throughput(jobs, size, precision.name().toLowerCase(), "quality", sorted.length, round(wall),
                round(perHour), round(median), round(sorted[sorted.length - 1]), peakResidentMiB(), device,
                Runtime.getRuntime().availableProcessors(), weightsUsed, cost);
    }

    /**
     * One whole image as the worker paints it (every scale), up to the result's pixels, on a network of its
     * own: a worker's jobs share one, which skips the forward pass of a painting it has seen; bench leaves
     * that saving out, so its figures hold for a painting never seen before.
     */
    private void paint(Vgg19Weights vggWeights, NDManager manager, StylePlan plan, StyleInputs inputs, MemoryBudget budget) {
        try (NDManager scope = manager.newSubManager();
             Vgg19Features vgg = new Vgg19Features(vggWeights, plan.pooling(), precision);
             StyleRun run = StyleRun.start(vgg, inputs, plan, scope, StyleRun.Listener.NONE, budget)) {
            run.run(() -> false);
            run.result();
        }
    }

    /** The JSON object bench prints; {@code costPerImage} only with --price-per-hour. */
    record Result(int size, String precision, String preset, int iterations, double medianMillis, double minMillis,
                  double maxMillis, long peakRssMiB, Integer tileSize, String device, int threads, boolean glibcTunables,
                  String weights, @JsonInclude(JsonInclude.Include.NON_NULL) Cost costPerImage) {
    }

    record Cost(double pricePerHour, String preset, String stepMeasuredWith, List<CostRow> images) {
    }

    record CostRow(int size, int steps, double instanceSeconds, double instanceUsd, double serverlessUsd,
                   double totalUsd) {
    }

    /** A quality-preset image at 512, 1024 and 2048 px, from this run's median step (docs/performance.md, "Cost per image"). */
    private Cost costPerImage(double secondsPerStep) {
        CostModel model = CostModel.measured(pricePerHour, secondsPerStep, size);
        List<CostRow> images = List.of(512, 1024, 2048).stream().map(side -> model.image(Preset.QUALITY, side))
                .map(image -> new CostRow(image.side(), image.steps(), round(image.seconds()), dollars(image.instance()),
                        dollars(image.serverless()), dollars(image.total())))
                .toList();
        return new Cost(pricePerHour, "quality", preset.name().toLowerCase() + " at " + size + " px, "
                + precision.name().toLowerCase() + "; scaled by pixels", images);
    }

    /** Four significant digits: prices of a fraction of a cent stay readable. */
    private static double dollars(double usd) {
        return new BigDecimal(usd).round(new MathContext(4)).doubleValue();
    }

    /**
     * The timed steps' milliseconds, fastest first, and the memory plan they ran with (untiled or tiles).
     */
    record Timed(double[] millis, MemoryPlan memory) {
        double median() {
            int n = millis.length;
            return n % 2 == 1 ? millis[n / 2] : (millis[n / 2 - 1] + millis[n / 2]) / 2;
        }

        double fastest() {
            return millis[0];
        }

        double slowest() {
            return millis[millis.length - 1];
        }
    }

    /**
     * Times {@code iterations} steps at {@code size} x {@code size} (noise images) after {@code warmup}
     * untimed ones: one scale of exactly those steps, whatever the preset's schedule, planned within
     * {@code budget} (tiled where the untiled step does not fit, or as the budget forces).
     *
     * @param afterEachStep called after every step (e.g. to sample a GPU's memory); may be null
     */
    static Timed timeSteps(Vgg19Weights vggWeights, NDManager manager, int size, Precision precision, Preset preset,
                           int warmup, int iterations, MemoryBudget budget, Runnable afterEachStep) {
        StylePlan plan = preset.plan(size, size, PlanOptions.of(PlanOptions.MAX_SIZE, size)
                .with(PlanOptions.STEPS, warmup + iterations).validate(Limits.ENGINE));
        double[] millis = new double[iterations];
        StyleInputs inputs = new StyleInputs(noiseImage(manager, size, 1), noiseImage(manager, size, 2));
        StyleRun.Listener timer = new StyleRun.Listener() {
            @Override
            public void stepped(StyleRun run, StepReport report) {
                if (report.step() > warmup) {
                    millis[report.step() - warmup - 1] = report.millis();
                }
                if (afterEachStep != null) {
                    afterEachStep.run();
                }
            }
        };
        try (Vgg19Features vgg = new Vgg19Features(vggWeights, plan.pooling(), precision);
             StyleRun run = StyleRun.start(vgg, inputs, plan, manager, timer, budget)) {
            MemoryPlan memory = run.memoryPlan();
            run.run(() -> false);
            Arrays.sort(millis);
            return new Timed(millis, memory);
        }
    }

    private static BufferedImage noiseImage(NDManager manager, int size, long seed) {
        try (NDManager scope = manager.newSubManager()) {
            return TensorImages.toImage(TensorImages.noise(scope, size, size, seed));
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    /** VmHWM from /proc: the process's peak resident set, native memory included. */
    static long peakResidentMiB() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("VmHWM:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024).findFirst().orElse(-1);
    }
}
