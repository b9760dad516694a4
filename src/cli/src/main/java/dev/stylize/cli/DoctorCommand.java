package dev.stylize.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--bench-size", paramLabel = "PX",
            description = "Bench at this size (default: the largest square that fits, at most "
                    + "the service's largest size, 2048).")
    Integer benchSize;

    @Option(names = "--bench-steps", defaultValue = "10", paramLabel = "N",
            description = "Timed steps (default: ${DEFAULT-VALUE}, after one untimed).")
    int benchSteps;

    @Option(names = "--no-bench", description = "Skip the bench.")
    boolean noBench;

    @Mixin
    WeightsOptions weights = new WeightsOptions();

    @Override
    public Integer call() throws IOException {
        DeviceReport device = DeviceReport.probe();
        List<String> problems = new ArrayList<>(device.problems());
        Precision used = precision != null ? precision : device.bestPrecision();
        MemoryEstimate.Profile profile = MemoryEstimate.profile(device.device(), used);
        long available = device.availableBytes();
        // A fresh run holds the runtime and weights (the profile's fixed part) besides the job.
        long forJobs = available - profile.fixedBytes();

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("engine", device.engine());
        report.put("device", device.device().toString());
        report.put("host", device.host());
        report.put("gpu", device.gpu());
        report.put("precision", used.name().toLowerCase(Locale.ROOT));

        OptionalInt largestStep = profile.largestFitting(size -> Preset.SEED.plan(ANY_PHOTO, ANY_PHOTO,
                PlanOptions.of(PlanOptions.MAX_SIZE, size).with(PlanOptions.STEPS, 1)), ANY_PHOTO, ANY_PHOTO, forJobs,
                Limits.ENGINE.minSize(), Limits.ENGINE.maxSize());
        OptionalInt largestJob = profile.largestFitting(size -> Preset.QUALITY.plan(ANY_PHOTO, ANY_PHOTO,
                PlanOptions.of(PlanOptions.MAX_SIZE, size)), ANY_PHOTO, ANY_PHOTO, forJobs,
                Limits.SERVICE.minSize(), Limits.SERVICE.maxSize());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("availableMiB", mib(available));
        memory.put("estimate", profile.label());
        memory.put("fixedMiB", mib(profile.fixedBytes()));
        memory.put("bytesPerPixel", profile.bytesPerPixel());
        memory.put("tiledBytesPerCropPixel", profile.tiledBytesPerPixel());
        memory.put("largestSquareStep", largestStep.isPresent() ? largestStep.getAsInt() : null);
        memory.put("largestSquareQualityJob", largestJob.isPresent() ? largestJob.getAsInt() : null);
        report.put("memory", memory);
        if (largestJob.isEmpty()) {
            problems.add("not enough memory for a " + Limits.SERVICE.minSize() + " px job");
        }

        try (NDManager manager = NDManager.newBaseManager(device.device())) {
            Vgg19Weights vggWeights = null;
            try {
                WeightsOptions.Resolved resolved = weights.resolve();
                vggWeights = Vgg19Weights.load(manager, resolved.file());
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("file", resolved.file().toString());
                w.put("sizeBytes", Files.size(resolved.file()));
                w.put("sha256", WeightsSource.digest(resolved.file()));
                w.put("kind", vggWeights.synthetic() ? "GENERATED" : "real");
                w.put("description", WeightsOptions.describe(vggWeights, resolved).substring("weights: ".length()));
                report.put("weights", w);
                if (vggWeights.synthetic()) {
                    problems.add("the weights are GENERATED (not ImageNet): results show the pipeline, not a style; "
                            + "run 'bin/stylize weights fetch'");
                }
            } catch (WeightsException | IOException e) {
                report.put("weights", null);
                problems.add(e.getMessage());
            }
            if (!noBench) {
                int size = benchSize != null ? benchSize
                        : Math.min(Limits.SERVICE.maxSize(), largestStep.orElse(Limits.ENGINE.minSize()));
                if (vggWeights == null) { // the bench's speed does not depend on the values
                    vggWeights = Vgg19Weights.fromSafetensors(manager, SyntheticWeights.generate(manager, 0));
                }
                report.put("bench", bench(vggWeights, manager, device.device(), size, used));
            }
        }
        report.put("problems", problems);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(report));
        } else {
            print(out, device, report, problems);
        }
        return problems.isEmpty() ? 0 : 1;
    }

    private Map<String, Object> bench(Vgg19Weights vggWeights, NDManager manager, Device device, int size, Precision used)
            throws IOException {
        long[] gpuPeakUsed = {device.isGpu() ? used(device) : -1};
        long gpuBefore = gpuPeakUsed[0];
        Runnable sample = device.isGpu() ? () -> gpuPeakUsed[0] = Math.max(gpuPeakUsed[0], used(device)) : null;
        BenchCommand.Timed timed = BenchCommand.timeSteps(vggWeights, manager, size, used, Preset.SEED, 1, benchSteps,
                MemoryBudget.ofAvailableMemory(device), sample);
        double[] sorted = timed.millis().clone();
        Arrays.sort(sorted);
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("size", size);
        bench.put("steps", benchSteps);
        bench.put("preset", "seed");
        bench.put("medianMillis", BenchCommand.round(BenchCommand.median(sorted)));
        bench.put("minMillis", BenchCommand.round(sorted[0]));
        bench.put("maxMillis", BenchCommand.round(sorted[sorted.length - 1]));
        bench.put("peakRssMiB", BenchCommand.peakResidentMiB());
        // The plan's own estimate: untiled where the step fits, else in tiles.
        bench.put("estimatedMiB", mib(timed.memory().bytes()));
        bench.put("tileSize", timed.memory().tiled() ? timed.memory().tileSize() : null);
        if (device.isGpu()) {
            // What PyTorch's allocator held on the GPU at its most, over what the process held before the bench.
            bench.put("gpuPeakUsedMiB", mib(gpuPeakUsed[0]));
            bench.put("gpuUsedBeforeMiB", mib(gpuBefore));
        }
        return bench;
    }

    private static long used(Device device) {
        return CudaUtils.getGpuMemory(device).getUsed();
    }

    private static void print(PrintWriter out, DeviceReport device, Map<String, Object> report, List<String> problems) {
        device.lines().forEach(out::println);
        @SuppressWarnings("unchecked") Map<String, Object> memory = (Map<String, Object>) report.get("memory");
        out.printf(Locale.ROOT, "precision: %s%n", report.get("precision"));
        out.printf(Locale.ROOT, "memory estimate: %s, %d MiB fixed + %d bytes per pixel untiled, %d per pixel of a tile's "
                        + "crop; %d MiB available%n", memory.get("estimate"), memory.get("fixedMiB"), memory.get("bytesPerPixel"),
                memory.get("tiledBytesPerCropPixel"), memory.get("availableMiB"));
        out.printf(Locale.ROOT, "largest that fits: one step at %s px square; a quality job at %s px square%n",
                orNone(memory.get("largestSquareStep")), orNone(memory.get("largestSquareQualityJob")));
        @SuppressWarnings("unchecked") Map<String, Object> w = (Map<String, Object>) report.get("weights");
        if (w == null) {
            out.println("weights: none reachable");
        } else {
            out.printf(Locale.ROOT, "weights: %s%n  sha256 %s, %d bytes%n", w.get("description"), w.get("sha256"),
                    w.get("sizeBytes"));
        }
        @SuppressWarnings("unchecked") Map<String, Object> bench = (Map<String, Object>) report.get("bench");
        if (bench != null) {
            out.printf(Locale.ROOT, "bench: %s px, %s steps (seed preset): median %s ms per step (%s-%s); peak RSS %s MiB, "
                            + "estimate %s MiB%s%n", bench.get("size"), bench.get("steps"), bench.get("medianMillis"),
                    bench.get("minMillis"), bench.get("maxMillis"), bench.get("peakRssMiB"), bench.get("estimatedMiB"),
                    bench.containsKey("gpuPeakUsedMiB") ? ", GPU peak in use " + bench.get("gpuPeakUsedMiB") + " MiB (from "
                            + bench.get("gpuUsedBeforeMiB") + ")" : "");
        }
        if (problems.isEmpty()) {
            out.println("problems: none");
        } else {
            out.println("problems:");
            problems.forEach(p -> out.println("  - " + p));
        }
    }

    private static String orNone(Object size) {
        return size == null ? "none" : size.toString();
    }

    private static long mib(long bytes) {
        return bytes == Long.MAX_VALUE ? -1 : bytes >> 20;
    }
}
