package dev.stylize.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.stylize.engine.model.Precision;

import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this machine gives the engine, as an operator needs to know it on a new instance type:
 * the device libtorch runs on, the GPU with its driver and CUDA versions, whether bfloat16 is
 * native there, and the memory free. Read from libtorch (through DJL), the CUDA runtime and
 * driver, {@code /proc} and, where present, {@code nvidia-smi}; nothing here needs a GPU.
 *
 * @param engine   libtorch's version and build ("PyTorch 2.7.1, CUDA build")
 * @param device   the device runs use: the first GPU libtorch sees, else the CPU
 * @param gpu      null without a GPU
 * @param cudaRuntime which CUDA runtime DJL's GPU queries use (its path), or that none was found and
 *                 where it was looked for, as {@link CudaRuntime#describe} says it
 * @param problems what would stop or slow the service here, in words; empty when all is well
 */
public record DeviceReport(String engine, Device device, Host host, Gpu gpu, String cudaRuntime, List<String> problems) {

    /**
     * @param bf16Flags the CPU flags that compute bfloat16 natively (avx512_bf16, amx_bf16); empty without
     * @param memAvailableBytes what the kernel can give a new allocation (MemAvailable, capped by a container's limit)
     */
    public record Host(String cpu, int cores, List<String> bf16Flags, long memTotalBytes, long memAvailableBytes) {
        public boolean bf16() {
            return !bf16Flags.isEmpty();
        }
    }

    /**
     * @param computeCapability e.g. "8.6" (A10G), "8.9" (L4)
     * @param driverVersion     the NVIDIA kernel driver, e.g. "580.95.05"; null when unreadable
     * @param driverCuda        the newest CUDA the driver supports, e.g. "13.0"
     * @param runtimeCuda       the CUDA runtime libtorch loaded, e.g. "12.8"
     */
    public record Gpu(String name, String computeCapability, String driverVersion, String driverCuda, String runtimeCuda,
                      long freeBytes, long totalBytes) {
        /** Tensor-core bfloat16 from compute capability 8.0 (Ampere) on. */
        public boolean bf16() {
            return computeCapability != null && Double.parseDouble(computeCapability) >= 8.0;
        }
    }

    /** The precision runs default to here: bf16 where the device computes it natively, else fp32. */
    public Precision bestPrecision() {
        boolean bf16 = gpu != null ? gpu.bf16() : host.bf16();
        return bf16 ? Precision.BF16 : Precision.FP32;
    }

    /** The memory a job may use on the device runs use. */
    public long availableBytes() {
        return gpu != null ? gpu.freeBytes() : host.memAvailableBytes();
    }

    /** Looks at this machine; first of all, before DJL's engine loads, gives DJL libtorch's CUDA runtime. */
    public static DeviceReport probe() {
        CudaRuntime cuda = CudaRuntime.install();
        Engine engine = Engine.getInstance();
        String build = engine.hasCapability(StandardCapabilities.CUDA) ? "CUDA build" : "CPU build";
        String engineText = engine.getEngineName() + " " + engine.getVersion() + ", " + build;
        Host host = probeHost();
        List<String> problems = new ArrayList<>();
        Gpu gpu = null;
        Device device = Device.cpu();
        int gpus = engine.getGpuCount();
        String cudaRuntime = cuda.describe(CudaRuntime.loaded()); // DJL has looked for one by now
        if (gpus > 0) {
            device = Device.gpu();
            gpu = probeGpu(device);
            if (!gpu.bf16()) {
                problems.add("the GPU (compute capability " + gpu.computeCapability() + ") has no bfloat16 tensor cores: "
                        + "run the worker in fp32 (STYLIZE_PRECISION=fp32)");
            }
            if (gpu.driverCuda() != null && gpu.runtimeCuda() != null
                    && version(gpu.driverCuda()) < version(gpu.runtimeCuda())) {
                problems.add("the NVIDIA driver " + gpu.driverVersion() + " supports CUDA " + gpu.driverCuda()
                        + " but libtorch uses CUDA " + gpu.runtimeCuda() + ": use an AMI with a newer driver");
            }
        } else {
            if (engine.hasCapability(StandardCapabilities.CUDA)) {
                problems.add("libtorch is a CUDA build but sees no GPU" + driverHint()
                        + (cuda.given() ? "" : "; " + cudaRuntime));
            }
            if (!host.bf16()) {
                problems.add("this CPU has no native bfloat16 (avx512_bf16, amx_bf16): bf16 would be slower than fp32 here");
            }
        }
        return new DeviceReport(engineText, device, host, gpu, cudaRuntime, List.copyOf(problems));
    }

    private static String driverHint() {
        String driver = driverVersion();
        return driver == null ? " (no NVIDIA driver loaded)" : " (NVIDIA driver " + driver + ")";
    }

    private static Host probeHost() {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        String model = first(Pattern.compile("(?m)^model name\\s*:\\s*(.+)$"), cpuinfo);
        String meminfo = read(Path.of("/proc/meminfo"));
        String total = first(Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB"), meminfo);
        return new Host(model == null ? System.getProperty("os.arch") : model.trim(), Runtime.getRuntime().availableProcessors(),
                Precision.nativeBf16Flags(cpuinfo), total == null ? -1 : Long.parseLong(total) * 1024,
                MemoryEstimate.availableHostBytes());
    }

    private static Gpu probeGpu(Device device) {
        String capability = CudaUtils.getComputeCapability(device.getDeviceId());
        capability = capability.length() >= 2
                ? capability.substring(0, capability.length() - 1) + "." + capability.charAt(capability.length() - 1)
                : capability;
        MemoryUsage usage = CudaUtils.getGpuMemory(device);
        return new Gpu(gpuName(device.getDeviceId()), capability, driverVersion(), driverCuda(),
                cudaVersion(CudaUtils.getCudaVersion()), MemoryEstimate.availableBytes(device), usage.getMax());
    }

    /** nvidia-smi where the container runtime provides it, else the driver's /proc entry. */
    private static String gpuName(int index) {
        String smi = nvidiaSmi("name", index);
        if (smi != null) {
            return smi;
        }
        try (Stream<Path> gpus = Files.list(Path.of("/proc/driver/nvidia/gpus"))) {
            List<Path> all = gpus.sorted().toList();
            if (index < all.size()) {
                String name = first(Pattern.compile("(?m)^Model:\\s*(.+)$"), read(all.get(index).resolve("information")));
                if (name != null) {
                    return name.trim();
                }
            }
        } catch (IOException e) {
            // no /proc entry: name unknown
        }
        return "GPU " + index;
    }

    /** The kernel module's version, e.g. 580.95.05; null without an NVIDIA driver. */
    static String driverVersion() {
        String proc = driverVersionIn(read(Path.of("/proc/driver/nvidia/version")));
        if (proc != null) {
            return proc;
        }
        return nvidiaSmi("driver_version", 0);
    }

    /** From /proc/driver/nvidia/version: "... Kernel Module  550.54.15 ..." or "... Open Kernel Module for x86_64  580.95.05 ...". */
    static String driverVersionIn(String procText) {
        return first(Pattern.compile("Kernel Module\\s+(?:for \\S+\\s+)?([0-9][0-9.]*[0-9])"), procText);
    }

    /** The driver API's cuDriverGetVersion: the newest CUDA this driver runs. */
    private interface CudaDriver extends Library {
        int cuDriverGetVersion(int[] version);
    }

    private static String driverCuda() {
        try {
            CudaDriver driver = Native.load("cuda", CudaDriver.class);
            int[] version = new int[1];
            return driver.cuDriverGetVersion(version) == 0 ? cudaVersion(version[0]) : null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null;
        }
    }

    /** CUDA's encoding, 1000 * major + 10 * minor: 12080 is "12.8". */
    static String cudaVersion(int encoded) {
        return encoded / 1000 + "." + (encoded % 1000) / 10;
    }

    private static double version(String majorMinor) {
        String[] parts = majorMinor.split("\\.");
        return Integer.parseInt(parts[0]) + (parts.length > 1 ? Integer.parseInt(parts[1]) / 1000.0 : 0);
    }

    /** One property of one GPU as nvidia-smi reports it; null where it cannot, or reports nothing. */
    private static String nvidiaSmi(String property, int gpu) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=" + property, "--format=csv,noheader", "--id=" + gpu)
                    .redirectErrorStream(true).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 && !out.isBlank() ? out.trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String first(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** A few lines for a log or a report. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("engine: " + engine);
        lines.add(cudaRuntime);
        lines.add(String.format(Locale.ROOT, "cpu: %s, %d cores, bf16 %s", host.cpu(), host.cores(),
                host.bf16() ? "native (" + String.join(", ", host.bf16Flags()) + ")" : "not native"));
        lines.add(String.format(Locale.ROOT, "host memory: %s available of %s", gib(host.memAvailableBytes()),
                gib(host.memTotalBytes())));
        if (gpu == null) {
            lines.add("gpu: none visible to libtorch" + (engine.endsWith("CUDA build") ? driverHint() : "") + "; runs use the CPU");
        } else {
            lines.add(String.format(Locale.ROOT, "gpu: %s (%s), compute capability %s, bf16 %s", gpu.name(), device,
                    gpu.computeCapability(), gpu.bf16() ? "native (tensor cores)" : "not native"));
            lines.add(String.format(Locale.ROOT, "driver: NVIDIA %s (CUDA %s), libtorch's CUDA runtime %s",
                    gpu.driverVersion() == null ? "unknown" : gpu.driverVersion(),
                    gpu.driverCuda() == null ? "unknown" : gpu.driverCuda(), gpu.runtimeCuda()));
            lines.add(String.format(Locale.ROOT, "gpu memory: %s free of %s", gib(gpu.freeBytes()), gib(gpu.totalBytes())));
        }
        return lines;
    }

    static String gib(long bytes) {
        return bytes < 0 || bytes == Long.MAX_VALUE ? "unknown" : String.format(Locale.ROOT, "%.1f GiB", bytes / 1073741824.0);
    }
}
