package dev.stylize.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDManager;
import com.sun.net.httpserver.HttpServer;
import dev.stylize.engine.TestWeights;
import dev.stylize.engine.model.LegacyCheckpointWriter;
import dev.stylize.engine.model.WeightsSource;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.RgbImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commands as a person runs them, in-process, on the real engine and generated weights. */
class StylizeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int stylize(String... args) {
        CommandLine cli = Stylize.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void localUpWithLocalStackDryRunPrintsEveryCommandAndTheGeneratedTemplate() throws IOException {
        String home = System.getProperty("stylize.home");
        System.setProperty("stylize.home", "../..");
        try {
            assertEquals(0, stylize("local", "up", "--emulator", "localstack", "--dry-run"), err.toString());
        } finally {
            if (home == null) {
                System.clearProperty("stylize.home");
            } else {
                System.setProperty("stylize.home", home);
            }
        }
        String printed = out.toString();
        Path generated = Path.of("../../out/local/localstack/template.yaml").toAbsolutePath().normalize();
        assertTrue(printed.contains("template: " + generated), printed);
        assertTrue(printed.contains("$ docker compose -f ../../infra/localstack/docker-compose.yml up -d --wait"), printed);
        assertTrue(printed.contains("$ samlocal deploy --template-file " + generated + " --stack-name stylize-local --region us-east-1"
                + " --resolve-s3 --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-confirm-changeset"
                + " --no-fail-on-empty-changeset --parameter-overrides BucketName=stylize-local"), printed);
        assertTrue(printed.contains("$ samlocal list stack-outputs --stack-name stylize-local"), printed);
        assertTrue(printed.contains("STYLIZE_JOB_QUEUE_URL=<JobQueueUrl output>"), "then the worker, here: " + printed);
        String template = Files.readString(generated);
        assertTrue(template.contains("IntakeFunction:") && template.contains("EventInvokeConfig:"), "the functions are deployed");
        assertTrue(!template.contains("AWS::ECS::") && !template.contains("WorkerImage"), "the worker is not");
        assertTrue(template.contains(Path.of("../../functions/intake/target/function.zip").toAbsolutePath().normalize().toString()),
                "code from function.zip");
    }

    @Test
    void localUpRefusesDryRunWithoutLocalStack() {
        assertEquals(2, stylize("local", "up", "--dry-run"));
        assertTrue(err.toString().contains("--dry-run is for --emulator localstack"), err.toString());
    }

    @Test
    void runWritesTheResultTraceAndCheckpoints() throws IOException {
        Path result = dir.resolve("result.png");
        Path trace = dir.resolve("trace.jsonl");
        int exit = stylize("run", "--content", fixture("content.png"), "--style", fixture("style.png"),
                "--weights", TestWeights.file().toString(), "--out", result.toString(), "--max-size", "48",
                "--steps", "6", "--checkpoint-every", "3", "--checkpoint-dir", dir.resolve("ck").toString(),
                "--trace", trace.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("weights: GENERATED"), "a run on generated weights says so");

        BufferedImage image = ImageIO.read(result.toFile());
        assertEquals(48, image.getWidth());
        assertEquals(32, image.getHeight());

        List<String> lines = Files.readAllLines(trace);
        assertEquals(6, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertEquals(1, first.get("step").asInt());
        for (String key : List.of("loss", "contentLoss", "styleLoss", "tvLoss", "millis")) {
            assertTrue(first.get(key).isNumber(), key + " in " + lines.get(0));
        }
        for (String name : List.of("step-000003.png", "step-000003.state", "step-000006.png", "step-000006.state")) {
            assertTrue(Files.isRegularFile(dir.resolve("ck").resolve(name)), name);
        }

        Path resumed = dir.resolve("resumed.png");
        assertEquals(0, stylize("run", "--content", fixture("content.png"), "--style", fixture("style.png"),
                "--weights", TestWeights.file().toString(), "--out", resumed.toString(), "--max-size", "48",
                "--steps", "6", "--resume", dir.resolve("ck/step-000003.state").toString()), err.toString());
        assertEquals(-1, Files.mismatch(result, resumed), "resuming from the step-3 checkpoint gives the same image");
    }

    @Test
    void keepColorsGivesTheResultThePhotosChroma() throws IOException {
        Path result = dir.resolve("kept.png");
        String content = fixture("content.png");
        assertEquals(0, stylize("run", "--content", content, "--style", fixture("style.png"),
                "--weights", TestWeights.file().toString(), "--out", result.toString(), "--max-size", "48",
                "--steps", "4", "--lr", "0.05", "--keep-colors"), err.toString());
        BufferedImage kept = ImageIO.read(result.toFile());
        BufferedImage photo = RgbImages.fitLongestSide(ImageIO.read(Path.of(content).toFile()), 48);
        int compared = 0;
        for (int y = 0; y < kept.getHeight(); y++) {
            for (int x = 0; x < kept.getWidth(); x++) {
                int k = kept.getRGB(x, y);
                if ((k & 0xFF) == 0 || (k & 0xFF) == 255 || (k >> 8 & 0xFF) % 255 == 0 || (k >> 16 & 0xFF) % 255 == 0) {
                    continue; // clipped to the RGB cube: chroma cannot be exact
                }
                compared++;
                assertEquals(ColorTransfer.chromaBlue(photo.getRGB(x, y)), ColorTransfer.chromaBlue(k), 1.0);
                assertEquals(ColorTransfer.chromaRed(photo.getRGB(x, y)), ColorTransfer.chromaRed(k), 1.0);
            }
        }
        assertTrue(compared > kept.getWidth() * kept.getHeight() / 2, "compared " + compared + " pixels");
    }

    @Test
    void aTextFileNamedJpgExitsWithCodeTwoAndSaysWhy() throws IOException {
        Path fake = dir.resolve("photo.jpg");
        Files.writeString(fake, "not a photo");
        int exit = stylize("run", "--content", fake.toString(), "--style", fixture("style.png"),
                "--weights", TestWeights.file().toString(), "--out", dir.resolve("x.png").toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("photo.jpg is not an image this service reads"), err.toString());
    }

    @Test
    void anOptionOutOfBoundsExitsWithCodeTwo() {
        int exit = stylize("run", "--content", fixture("content.png"), "--style", fixture("style.png"),
                "--weights", TestWeights.file().toString(), "--out", dir.resolve("x.png").toString(), "--steps", "0");
        assertEquals(2, exit);
        assertTrue(err.toString().contains("steps must be from 1 to 20000, got 0"), err.toString());
    }

    @Test
    void missingWeightsExitWithCodeThreeAndSayHowToGetThem() {
        int exit = stylize("run", "--content", fixture("content.png"), "--style", fixture("style.png"),
                "--weights", "", "--weights-cache", dir.resolve("empty-cache").toString(), "--out", dir.resolve("x.png").toString());
        assertEquals(3, exit);
        assertTrue(err.toString().contains("no VGG19 weights given and none fetched into"), err.toString());
        assertTrue(err.toString().contains("run 'bin/stylize weights fetch' once"), err.toString());
    }

    /** torchvision's file is served from 127.0.0.1 under its own kind of name (a full-layout checkpoint, generated values). */
    @Test
    void weightsFetchInstallsCheckedWeightsThatRunThenUses() throws IOException {
        Path checkpoint;
        try (NDManager manager = NDManager.newBaseManager()) {
            checkpoint = LegacyCheckpointWriter.vgg19(manager, 5, dir.resolve("served.pth"));
        }
        String sha256 = WeightsSource.digest(checkpoint);
        String name = "vgg19-" + sha256.substring(0, 8) + ".pth";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/models/", exchange -> {
            byte[] body = Files.readAllBytes(checkpoint);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/models/" + name;
            Path cache = dir.resolve("cache");

            assertEquals(3, stylize("weights", "fetch", "--url", url, "--sha256", "ab".repeat(32), "--weights-cache",
                    cache.toString()));
            assertTrue(err.toString().contains("has sha256 " + sha256 + ", expected " + "ab".repeat(32)
                    + ": not the published weights; nothing was installed"), err.toString());
            try (var files = Files.list(cache)) {
                assertEquals(0, files.count(), "nothing reaches the cache before its digest matched");
            }

            assertEquals(0, stylize("weights", "fetch", "--url", url, "--sha256", sha256, "--weights-cache", cache.toString()),
                    err.toString());
            assertTrue(out.toString().contains("installed " + cache.resolve("vgg19-imagenet.safetensors")), out.toString());
            assertEquals(0, stylize("weights", "fetch", "--url", url, "--sha256", sha256, "--weights-cache", cache.toString()));
            assertTrue(out.toString().contains("already installed"), out.toString());

            assertEquals(0, stylize("run", "--content", fixture("content.png"), "--style", fixture("style.png"),
                    "--weights", "", "--weights-cache", cache.toString(), "--out", dir.resolve("real.png").toString(),
                    "--max-size", "32", "--steps", "2"), err.toString());
            assertTrue(err.toString().contains("weights: real (ImageNet, torchvision's VGG19 " + sha256.substring(0, 8)
                    + ", fetched from " + url + ") from " + cache.resolve("vgg19-imagenet.safetensors")), err.toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void synthWritesReproducibleWeights() throws IOException {
        Path a = dir.resolve("a.safetensors");
        assertEquals(0, stylize("weights", "synth", "--seed", String.valueOf(TestWeights.SEED), "--out", a.toString()));
        assertEquals(-1, Files.mismatch(a, TestWeights.file()), "the same seed writes the same bytes");
    }

    @Test
    void benchPrintsOneJsonObject() throws IOException {
        assertEquals(0, stylize("bench", "--size", "32", "--iterations", "2", "--warmup", "0"), err.toString());
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertEquals(32, result.get("size").asInt());
        assertTrue(result.get("medianMillis").asDouble() > 0);
        assertTrue(result.get("peakRssMiB").asLong() > 0);
    }

    @Test
    void benchWithAPriceSaysWhatAQualityImageCostsAtThreeSizes() throws IOException {
        assertEquals(0, stylize("bench", "--size", "32", "--iterations", "2", "--warmup", "0", "--price-per-hour", "1.006"),
                err.toString());
        JsonNode result = new ObjectMapper().readTree(out.toString());
        JsonNode cost = result.get("costPerImage");
        assertEquals(1.006, cost.get("pricePerHour").asDouble());
        assertEquals("quality", cost.get("preset").asText());
        assertEquals(3, cost.get("images").size());
        double step = result.get("medianMillis").asDouble() / 1000;
        JsonNode at512 = cost.get("images").get(0);
        assertEquals(512, at512.get("size").asInt());
        assertEquals(65, at512.get("steps").asInt());
        // 25 steps at 128 px, 20 at 256 and 20 at 512, each the measured 32 px step times its pixels
        double seconds = step * (25 * 16 + 20 * 64 + 20 * 256);
        assertEquals(seconds, at512.get("instanceSeconds").asDouble(), seconds * 0.01 + 0.1);
        assertEquals(at512.get("instanceUsd").asDouble() + at512.get("serverlessUsd").asDouble(),
                at512.get("totalUsd").asDouble(), at512.get("totalUsd").asDouble() * 0.002);
        assertTrue(cost.get("images").get(2).get("totalUsd").asDouble() > at512.get("totalUsd").asDouble());
    }

    @Test
    void benchWithJobsRunsWholeJobsAtOnceAndCountsImagesPerHour() throws IOException {
        assertEquals(0, stylize("bench", "--jobs", "2", "--images", "1", "--size", "32", "--price-per-hour", "3.6"),
                err.toString());
        JsonNode result = new ObjectMapper().readTree(out.toString());
        assertEquals(2, result.get("jobs").asInt());
        assertEquals(2, result.get("images").asInt(), "one image by each of the two");
        assertEquals("quality", result.get("preset").asText());
        double wall = result.get("wallSeconds").asDouble();
        assertEquals(2 * 3600 / wall, result.get("imagesPerHour").asDouble(), 2 * 3600 / wall * 0.06);
        assertTrue(result.get("maxImageSeconds").asDouble() <= wall + 0.1, "an image within the wall time");
        assertEquals(3.6 / result.get("imagesPerHour").asDouble(), result.get("costPerImage").get("instanceUsd").asDouble(),
                3.6 / result.get("imagesPerHour").asDouble() * 0.01);
        assertEquals(2, stylize("bench", "--jobs", "0", "--size", "32"), "at least one job");
    }

    @Test
    void benchRefusesANonsensePrice() {
        assertEquals(2, stylize("bench", "--size", "32", "--iterations", "1", "--price-per-hour", "-1"));
    }

    @Test
    void doctorReportsTheDeviceTheWeightsAndABenchAtTheSizeAsked() throws IOException {
        String weights = TestWeights.file().toString();
        int exit = stylize("doctor", "--json", "--weights", weights, "--weights-cache", dir.toString(),
                "--bench-size", "32", "--bench-steps", "2");
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertEquals(1, exit, "generated weights are a problem worth an exit code");
        assertEquals("cpu()", report.get("device").asText());
        assertTrue(report.get("gpu").isNull());
        assertTrue(report.get("engine").asText().startsWith("PyTorch 2."), report.toString());
        assertTrue(report.get("memory").get("availableMiB").asLong() > 0);
        assertTrue(report.get("memory").get("largestSquareQualityJob").asInt() >= 32, report.toString());
        assertEquals(WeightsSource.digest(TestWeights.file()), report.get("weights").get("sha256").asText());
        assertEquals("GENERATED", report.get("weights").get("kind").asText());
        assertEquals(32, report.get("bench").get("size").asInt());
        assertTrue(report.get("bench").get("medianMillis").asDouble() > 0);
        assertTrue(report.get("problems").toString().contains("the weights are GENERATED"), report.toString());

        out.getBuffer().setLength(0);
        stylize("doctor", "--no-bench", "--weights", "", "--weights-cache", dir.resolve("none").toString());
        String text = out.toString();
        assertTrue(text.contains("gpu: none visible to libtorch"), text);
        assertTrue(text.contains("weights: none reachable"), text);
        assertTrue(text.contains("  - no VGG19 weights given and none fetched into"), text);
    }

    private static String fixture(String name) {
        try (InputStream in = StylizeCommandTest.class.getClassLoader().getResourceAsStream("reference/" + name)) {
            Path copy = Files.createTempFile("fixture-", "-" + name);
            copy.toFile().deleteOnExit();
            Files.write(copy, in.readAllBytes());
            return copy.toString();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
