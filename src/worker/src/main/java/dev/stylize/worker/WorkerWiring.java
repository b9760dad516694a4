package dev.stylize.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dev.stylize.engine.CudaRuntime;
import dev.stylize.engine.DeviceReport;
import dev.stylize.engine.MemoryEstimate;
import dev.stylize.engine.model.TorchvisionVgg19;
import dev.stylize.engine.model.Vgg19Weights;
import dev.stylize.engine.model.WeightsException;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.jobs.JobLedger;
import dev.stylize.jobs.aws.AwsClients;
import dev.stylize.jobs.telemetry.EmfWriter;
import dev.stylize.jobs.telemetry.JobMetrics;
import dev.stylize.jobs.store.S3ObjectStore;
import dev.stylize.plan.JobBudget;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * Builds the worker's parts from its configuration, at start-up, so that a setting that cannot
 * work (no GPU where one is required, weights that are missing or fail their checksum) stops
 * the worker at once, with its reason, instead of failing a health check later.
 */
final class WorkerWiring {
    private static final Logger LOG = Logger.getLogger(WorkerWiring.class);
    /** The most slots a GPU worker takes unasked: each is a host thread too, and the fleet's instances have 4 to 16 cores. */
    static final int MAX_DEFAULT_SLOTS = 8;
    /** The job a GPU's default slot count is sized for: the service's default preset at a common size. */
    private static final int TYPICAL_JOB_SIZE = 512;

    private WorkerWiring() {
    }

    /**
     * The device the configuration asks for, or an error naming what is missing. The worker's first
     * use of DJL: libtorch's CUDA runtime goes to DJL's GPU queries before it (see CudaRuntime).
     */
    static Device device(WorkerConfig.Device setting) {
        CudaRuntime cudaRuntime = CudaRuntime.install();
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting) {
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new IllegalStateException("STYLIZE_DEVICE=gpu but no GPU is visible to PyTorch ("
                            + cudaRuntime.describe(CudaRuntime.loaded()) + ")");
                }
                yield Device.gpu();
            }
        };
    }

    /** The loop, ready to run: its weights are loaded into {@code manager}. */
    static JobLoop loop(WorkerConfig config, NDManager manager, ScheduledExecutorService heartbeats) {
        // What this machine gives the engine, once, for whoever reads the log of a new instance type.
        DeviceReport device = DeviceReport.probe();
        device.lines().forEach(line -> LOG.info(line));
        device.problems().forEach(problem -> LOG.warn(problem));
        AwsClients clients = new AwsClients(config.awsEndpoint(), config.region());
        S3Client s3 = clients.s3();
        JobLedger ledger = new JobLedger(new S3ObjectStore(s3, config.bucket()), Clock.systemUTC());
        JobQueue queue = new SqsJobQueue(clients.sqs(), config.jobQueueUrl());
        Vgg19Weights weights = weights(config, manager, s3);
        JobMetrics metrics = new JobMetrics(EmfWriter.toStandardOutput(config.metricsNamespace()));
        MemoryAdmission admission = admission(config, manager.getDevice());
        JobRunner runner = new JobRunner(ledger, weights, config.precision(), manager,
                Duration.ofSeconds(config.statusIntervalSeconds()), Clock.systemUTC(), metrics, admission,
                config.jobBudget().filter(b -> b > 0).map(JobBudget::new).orElseGet(() -> JobBudget.defaultFor(config.maxJobSize())),
                Limits.service(config.maxJobSize()));
        Settlement settlement = new Settlement(queue, ledger, config.retryBaseSeconds(), config.retryMaxSeconds(),
                config.visibilityTimeoutSeconds(), metrics);
        MessageHandler handler = new MessageHandler(ledger, queue, settlement, runner, heartbeats, workerId(),
                config.visibilityTimeoutSeconds(), config.heartbeatSeconds(), new JobExpiry(config.jobTtl()));
        int slots = config.jobSlots().orElseGet(() -> defaultSlots(manager.getDevice(), config, admission));
        LOG.infof("polling %s with %d job slot%s (%s); metrics in namespace %s", config.jobQueueUrl(), slots,
                slots == 1 ? "" : "s", config.jobSlots().isPresent() ? "STYLIZE_JOB_SLOTS" : "chosen for the device",
                metrics.namespace());
        return new JobLoop(queue, handler, config.pollWaitSeconds(), config.visibilityTimeoutSeconds(), slots);
    }

    /**
     * One on a CPU: a job's steps already use every core. On a GPU, as many typical jobs as its
     * free memory holds (a step of a small image leaves most of a large GPU idle), at most
     * {@value #MAX_DEFAULT_SLOTS}.
     */
    static int defaultSlots(Device device, WorkerConfig config, MemoryAdmission admission) {
        if (!device.isGpu()) {
            return 1;
        }
        StylePlan typical = Preset.QUALITY.plan(TYPICAL_JOB_SIZE, TYPICAL_JOB_SIZE, PlanOptions.NONE);
        MemoryEstimate.Profile profile = MemoryEstimate.profile(device, config.precision());
        long free = admission.available();
        long each = profile.jobBytes(typical, TYPICAL_JOB_SIZE, TYPICAL_JOB_SIZE, free);
        return (int) Math.max(1, Math.min(MAX_DEFAULT_SLOTS, free / Math.max(1, each)));
    }

    /**
     * s3:// weights come through the SDK; https and files as everywhere else; without a setting,
     * the ImageNet weights fetched into the cache. The log says which, loudly if generated.
     */
    private static Vgg19Weights weights(WorkerConfig config, NDManager manager, S3Client s3) {
        Path cacheDir = Path.of(config.cacheDir());
        Path file;
        String what;
        if (config.weights().isPresent()) {
            WeightsSource.Fetcher fromS3 = (uri, target) ->
                    s3.getObject(b -> b.bucket(uri.getHost()).key(uri.getPath().substring(1)), target);
            file = new WeightsSource(config.weights().get(), config.weightsSha256().orElse(null), Map.of("s3", fromS3))
                    .resolve(cacheDir);
            what = "real (not generated)";
        } else {
            TorchvisionVgg19.Installed fetched = TorchvisionVgg19.cached(cacheDir).orElseThrow(() -> new WeightsException(
                    "STYLIZE_WEIGHTS is not set and no weights were fetched into " + cacheDir + " (STYLIZE_CACHE_DIR): set "
                            + "STYLIZE_WEIGHTS, or run 'bin/stylize weights fetch --weights-cache " + cacheDir + "'"));
            file = fetched.file();
            what = fetched.describe() + ", sha256 " + fetched.sha256();
        }
        try {
            Vgg19Weights weights = Vgg19Weights.load(manager, file);
            LOG.infof("weights: %s from %s, on %s",
                    weights.synthetic() ? "GENERATED (not ImageNet: results show the pipeline, not real style)" : what,
                    file, manager.getDevice());
            return weights;
        } catch (IOException e) {
            throw new WeightsException("cannot read weights " + file + ": " + e.getMessage(), e);
        }
    }

    /** The memory check before each job: this device's and precision's estimate, its free memory (or the setting). */
    static MemoryAdmission admission(WorkerConfig config, Device device) {
        MemoryEstimate.Profile profile = MemoryEstimate.profile(device, config.precision());
        LongSupplier available = config.availableMemoryMib().isPresent()
                ? () -> config.availableMemoryMib().get() << 20
                : () -> MemoryEstimate.availableBytes(device);
        MemoryAdmission admission = new MemoryAdmission(profile, available, config.downsizeToFit());
        LOG.infof("memory: %s free now (%s), %s per megapixel (%s); a job too large %s", MemoryAdmission.gib(admission.available()),
                config.availableMemoryMib().isPresent() ? "STYLIZE_AVAILABLE_MEMORY_MIB" : device.isGpu() ? "CUDA" : "host",
                MemoryAdmission.gib(profile.bytesPerPixel() * 1_000_000), profile.label(),
                config.downsizeToFit() ? "runs at the largest size that fits (STYLIZE_DOWNSIZE_TO_FIT)" : "fails, naming the largest size that fits");
        return admission;
    }

    /** Names this process in job leases and logs. */
    private static String workerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }
}
