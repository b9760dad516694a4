package dev.stylize.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stylize.engine.DeviceReport;
import dev.stylize.engine.MemoryBudget;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.model.Precision;
import dev.stylize.engine.model.SyntheticWeights;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What an operator runs first on a new machine or instance type: what the engine sees here
 * (device, driver, CUDA, bf16, memory), which weights a run would use and their checksum, the
 * largest sizes that fit, and a short bench at the largest. One report, or one JSON object.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Checks this machine for the service: the device libtorch sees (CPU or GPU, its name), the "
                + "NVIDIA driver and CUDA versions, bfloat16 support, free memory, the weights a run would use and "
                + "their sha256, the largest sizes that fit, and a 10-step bench at the largest. Exits 1 when it "
                + "finds a problem, naming it.")
final class DoctorCommand extends Subcommand {
    /** Square photos of this side leave every candidate size to the plan's maxSize. */
    private static final int ANY_PHOTO = Limits.ENGINE.maxSize();

    @Option(names = "--json", description = "Print one JSON object instead of the report.")
    boolean json;

    @Option(names = "--precision", paramLabel = "P",
            description = "Precision to size and bench: ${COMPLETION-CANDIDATES} (default: bf16 where the device computes "
                    + "it natively, else fp32).")
    Precision precision;

    @Option(names = "--bench-size", paramLabel = "PX", description = "Bench at this size (default: the largest square that fits, at most --max-job-size).")
    Integer benchSize;

    @Option(names = "--max-job-size", defaultValue = "${env:STYLIZE_MAX_JOB_SIZE:-" + Limits.SERVICE_MAX_SIZE + "}", paramLabel = "PX",
            description = "The deployment's MaxJobSize, the largest job reported (default: STYLIZE_MAX_JOB_SIZE, else ${DEFAULT-VALUE}).")
    int maxJobSize;

    @Option(names = "--bench-steps", defaultValue = "10", paramLabel = "N",
            description = "Timed steps (default: ${DEFAULT-VALUE}, after one untimed).")
    int benchSteps;

    @Option(names = "--no-bench", description = "Skip the bench.")
    boolean noBench;

    @Mixin
    WeightsOptions weights = new WeightsOptions();

    /** The report, as --json prints it; a bench skipped is left out. */
    record Report(String engine, String device, DeviceReport.Host host, DeviceReport.Gpu gpu, String cudaRuntime,
                  String precision, Memory memory, Weights weights, @JsonInclude(JsonInclude.Include.NON_NULL) Bench bench,
                  List<String> problems) {
    }

    /** @param largestSquareStep null when not even the smallest size fits, like {@code largestSquareQualityJob} */
    record Memory(long availableMiB, String estimate, long fixedMiB, long bytesPerPixel, long tiledBytesPerCropPixel,
                  Integer largestSquareStep, Integer largestSquareQualityJob) {
    }

    record Weights(String file, long sizeBytes, String sha256, String kind, String description) {
    }

    /**
     * @param estimatedMiB   the plan's own estimate: untiled where the step fits, else in tiles
     * @param gpuPeakUsedMiB what PyTorch's allocator held on the GPU at its most, over what the process held
     *                       before the bench ({@code gpuUsedBeforeMiB}); both left out on a CPU
     */
    record Bench(int size, int steps, String preset, double medianMillis, double minMillis, double maxMillis,
                 long peakRssMiB, long estimatedMiB, Integer tileSize,
                 @JsonInclude(JsonInclude.Include.NON_NULL) Long gpuPeakUsedMiB,
                 @JsonInclude(JsonInclude.Include.NON_NULL) Long gpuUsedBeforeMiB) {
    }

    @Override
    public Integer call() throws IOException {
        DeviceReport device = DeviceReport.probe();
        List<String> problems = new ArrayList<>(device.problems());
        Precision used = precision != null ? precision : device.bestPrecision();
        MemoryEstimate.Profile profile = MemoryEstimate.profile(device.device(), used);
        long available = device.availableBytes();
        // A fresh run holds the runtime and weights (the profile's fixed part) besides the job.
        long forJobs = available - profile.fixedBytes();

        OptionalInt largestStep = profile.largestFitting(size -> Preset.SEED.plan(ANY_PHOTO, ANY_PHOTO,
                PlanOptions.of(PlanOptions.MAX_SIZE, size).with(PlanOptions.STEPS, 1)), ANY_PHOTO, ANY_PHOTO, forJobs,
                Limits.ENGINE.minSize(), Limits.ENGINE.maxSize());
        OptionalInt largestJob = profile.largestFitting(size -> Preset.QUALITY.plan(ANY_PHOTO, ANY_PHOTO,
                PlanOptions.of(PlanOptions.MAX_SIZE, size)), ANY_PHOTO, ANY_PHOTO, forJobs,
                Limits.SERVICE.minSize(), Limits.service(maxJobSize).maxSize());
        Memory memory = new Memory(mib(available), profile.label(), mib(profile.fixedBytes()), profile.bytesPerPixel(),
                profile.tiledBytesPerPixel(), largestStep.isPresent() ? largestStep.getAsInt() : null,
                largestJob.isPresent() ? largestJob.getAsInt() : null);
        if (largestJob.isEmpty()) {
            problems.add("not enough memory for a " + Limits.SERVICE.minSize() + " px job");
        }

        Weights weightsFound = null;
        Bench bench = null;
        try (NDManager manager = NDManager.newBaseManager(device.device())) {
            Vgg19Weights vggWeights = null;
            try {
                WeightsOptions.Resolved resolved = weights.resolve();
                vggWeights = Vgg19Weights.load(manager, resolved.file());
                weightsFound = new Weights(resolved.file().toString(), Files.size(resolved.file()),
                        WeightsSource.digest(resolved.file()), vggWeights.synthetic() ? "GENERATED" : "real",
                        WeightsOptions.describe(vggWeights, resolved).substring("weights: ".length()));
                if (vggWeights.synthetic()) {
                    problems.add("the weights are GENERATED (not ImageNet): results show the pipeline, not a style; "
                            + "run 'bin/stylize weights fetch'");
                }
            } catch (WeightsException | IOException e) {
                problems.add(e.getMessage());
            }
            if (!noBench) {
                int size = benchSize != null ? benchSize
                        : Math.min(maxJobSize, largestStep.orElse(Limits.ENGINE.minSize()));
                if (vggWeights == null) { // the bench's speed does not depend on the values
                    vggWeights = Vgg19Weights.fromSafetensors(manager, SyntheticWeights.generate(manager, 0));
                }
                bench = bench(vggWeights, manager, device.device(), size, used);
            }
        }
        Report report = new Report(device.engine(), device.device().toString(), device.host(), device.gpu(),
                device.cudaRuntime(), used.name().toLowerCase(Locale.ROOT), memory, weightsFound, bench, problems);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
        } else {
            print(out, device, report);
        }
        return problems.isEmpty() ? 0 : 1;
    }

    private Bench bench(Vgg19Weights vggWeights, NDManager manager, Device device, int size, Precision used)
            throws IOException {
        long[] gpuPeakUsed = {device.isGpu() ? used(device) : -1};
        long gpuBefore = gpuPeakUsed[0];
        Runnable sample = device.isGpu() ? () -> gpuPeakUsed[0] = Math.max(gpuPeakUsed[0], used(device)) : null;
        BenchCommand.Timed timed = BenchCommand.timeSteps(vggWeights, manager, size, used, Preset.SEED, 1, benchSteps,
                MemoryBudget.ofAvailableMemory(device), sample);
        return new Bench(size, benchSteps, "seed", BenchCommand.round(timed.median()), BenchCommand.round(timed.fastest()),
                BenchCommand.round(timed.slowest()), BenchCommand.peakResidentMiB(),
                mib(timed.memory().bytes()), timed.memory().tiled() ? timed.memory().tileSize() : null,
                device.isGpu() ? mib(gpuPeakUsed[0]) : null, device.isGpu() ? mib(gpuBefore) : null);
    }

    private static long used(Device device) {
        return CudaUtils.getGpuMemory(device).getUsed();
    }

    private static void print(PrintWriter out, DeviceReport device, Report report) {
        device.lines().forEach(out::println);
        Memory memory = report.memory();
        out.printf(Locale.ROOT, "precision: %s%n", report.precision());
        out.printf(Locale.ROOT, "memory estimate: %s, %d MiB fixed + %d bytes per pixel untiled, %d per pixel of a tile's "
                        + "crop; %d MiB available%n", memory.estimate(), memory.fixedMiB(), memory.bytesPerPixel(),
                memory.tiledBytesPerCropPixel(), memory.availableMiB());
        out.printf(Locale.ROOT, "largest that fits: one step at %s px square; a quality job at %s px square%n",
                Objects.toString(memory.largestSquareStep(), "none"), Objects.toString(memory.largestSquareQualityJob(), "none"));
        Weights w = report.weights();
        if (w == null) {
            out.println("weights: none reachable");
        } else {
            out.printf(Locale.ROOT, "weights: %s%n  sha256 %s, %d bytes%n", w.description(), w.sha256(), w.sizeBytes());
        }
        Bench bench = report.bench();
        if (bench != null) {
            out.printf(Locale.ROOT, "bench: %s px, %s steps (seed preset): median %s ms per step (%s-%s); peak RSS %s MiB, "
                            + "estimate %s MiB%s%n", bench.size(), bench.steps(), bench.medianMillis(), bench.minMillis(),
                    bench.maxMillis(), bench.peakRssMiB(), bench.estimatedMiB(), bench.gpuPeakUsedMiB() != null
                            ? ", GPU peak in use " + bench.gpuPeakUsedMiB() + " MiB (from " + bench.gpuUsedBeforeMiB() + ")" : "");
        }
        if (report.problems().isEmpty()) {
            out.println("problems: none");
        } else {
            out.println("problems:");
            report.problems().forEach(p -> out.println("  - " + p));
        }
    }

    private static long mib(long bytes) {
        return bytes == Long.MAX_VALUE ? -1 : bytes >> 20;
    }
}
