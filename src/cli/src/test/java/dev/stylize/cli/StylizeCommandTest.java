package dev.stylize.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stylize.engine.TestWeights;
import dev.stylize.images.ColorTransfer;
import dev.stylize.images.RgbImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
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
                "--weights", "", "--out", dir.resolve("x.png").toString());
        assertEquals(3, exit);
        assertTrue(err.toString().contains("no VGG19 weights given"), err.toString());
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
    void benchRefusesANonsensePrice() {
        assertEquals(2, stylize("bench", "--size", "32", "--iterations", "1", "--price-per-hour", "-1"));
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
