package dev.stylize.local;

import dev.stylize.console.ConsoleServer;
import dev.stylize.console.SubmissionChecks;
import dev.stylize.jobs.Job;
import dev.stylize.jobs.JobLayout;
import dev.stylize.jobs.JobState;
import dev.stylize.jobs.JobStatus;
import dev.stylize.jobs.Manifest;
import dev.stylize.jobs.Outcome;
import dev.stylize.jobs.StyleRef;
import dev.stylize.jobs.store.StoredObject;
import dev.stylize.jobs.testing.Examples;
import dev.stylize.plan.Limits;
import dev.stylize.plan.PlanOptions;
import dev.stylize.plan.Preset;
import dev.stylize.plan.StylePlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real headless Chromium, over the whole local pipeline: the emulator process,
 * the template's functions from their function.zip under the local Lambda service, the packaged worker process on CPU. Photos
 * are dropped as a browser drops them (a drop event carrying a DataTransfer). Screenshots go to
 * target/screenshots.
 */
class ConsoleBrowserTest {
    static final Path SCREENSHOTS = Path.of("target/screenshots");

    private static TestStack stack;
    private static WorkerProcess worker;
    private static ConsoleServer console;
    private static HeadlessChromium chromium;
    private static WebDriver browser;
    private static Path files;

    @BeforeAll
    static void start() throws IOException {
        chromium = new HeadlessChromium(1360, 1000);
        browser = chromium.driver;
        stack = new TestStack("console");
        // Inbox jobs: small, but long enough (and checkpointed often enough) to watch them being painted;
        // the intake function's defaults, as its environment sets them on AWS.
        stack.startFunctions(o -> o.environment("IntakeFunction", Map.of("STYLIZE_DEFAULTS_PRESET", "paper",
                "STYLIZE_DEFAULTS_STEPS", "24", "STYLIZE_DEFAULTS_MAX_SIZE", "64", "STYLIZE_DEFAULTS_CHECKPOINT_EVERY", "3")));
        worker = WorkerProcess.start(stack.workerEnv());
        console = new ConsoleServer(stack.store, "127.0.0.1", 0, Duration.ofMillis(250), SubmissionChecks.intakeDefaults());

        files = Files.createTempDirectory("console-files");
        Files.copy(Examples.PHOTO, files.resolve("harbour.png"));
        Files.writeString(files.resolve("notes.jpg"), "shopping list: eggs, paint", StandardCharsets.UTF_8);
        ImageIO.write(stripes(), "png", files.resolve("stripes.png").toFile());
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (console != null) {
            console.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aDroppedPhotoIsPaintedLiveAndEndsWithItsResultAndOutcome() throws IOException {
        open("#/submit");
        recordLiveFrames();
        selectStyle("swirls");
        drop(".photo-drop", files.resolve("harbour.png"));
        await("the photo's check", d -> text(".photo-note").contains("384 × 256 PNG"));
        screenshot("submit-photo-dropped");
        Set<String> before = keys();
        click("button[type=submit]");

        await("the job page", d -> d.getCurrentUrl().contains("#/job/harbour-"));
        String jobId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#/job/") + 6);
        Set<String> written = keys().stream().filter(k -> !before.contains(k) && !k.startsWith(JobLayout.RESULTS))
                .collect(Collectors.toSet());
        assertEquals(1, written.size(), "what bin/stylize submit writes: " + written);
        assertTrue(written.iterator().next().matches("inbox/swirls/harbour-[0-9a-f]{6}\\.png"), written.toString());

        await("two checkpoints while it runs", d -> runningFrames().size() >= 2);
        screenshot("job-running");
        await("the result", d -> badge().equals("succeeded") && visible(".compare")
                && (Boolean) js("const i = document.querySelector('.compare .after');"
                + " return i.complete && i.naturalWidth > 0 && i.src.includes('result.png');"));
        List<String> frames = runningFrames();
        assertTrue(frames.size() >= 2 && frames.stream().allMatch(f -> f.contains("checkpoints")), frames.toString());

        assertTrue(text(".outcome").contains("\"status\": \"SUCCEEDED\""), text(".outcome"));
        click(".event-block summary");
        assertTrue(text(".event").contains("dev.stylize.job.succeeded"), text(".event"));
        assertTrue(browser.findElements(By.cssSelector(".strip .frame-button")).size() >= 2, "a strip of checkpoints");
        String line = browser.findElement(By.cssSelector(".plot path.line")).getAttribute("d");
        assertTrue(line != null && line.split("L").length >= 10, "the loss plot draws the run's history: " + line);
        assertTrue(browser.findElements(By.cssSelector(".downloads a")).stream()
                .anyMatch(a -> a.getText().equals("result.png")), "a download of the result");
        js("const s = document.querySelector('.slider'); s.value = 30; s.dispatchEvent(new Event('input'));");
        screenshot("job-succeeded");
        Outcome outcome = stack.outcome(jobId).orElseThrow();
        assertEquals(JobState.SUCCEEDED, outcome.status());

        open("#/");
        await("its card in the jobs list", d -> !browser.findElements(By.cssSelector(".card[data-job='" + jobId + "'] .badge.succeeded"))
                .isEmpty());
        screenshot("jobs");
    }

    @Test
    void aRunningJobIsCancelledFromItsPage() {
        Job job = stack.submit("long-harbour", "uploads/harbour.png", "styles/swirls.png", TestStack.small(2000, 5), 1);
        open("#/job/" + job.jobId());
        await("it runs", d -> badge().equals("running") && visible(".cancel"));
        click(".cancel");
        await("it ends cancelled", d -> badge().equals("cancelled"));
        assertTrue(text(".reason-title").equals("Cancelled") && text(".reason-text").equals("cancelled by its owner"),
                text(".reason"));
        assertTrue(!visible(".cancel"), "nothing left to cancel");
        Outcome outcome = stack.outcome(job.jobId()).orElseThrow();
        assertEquals(JobState.CANCELLED, outcome.status());
        assertTrue(stack.ledger.status(job.jobId()).orElseThrow().step() < 2000, "stopped early");
    }

    @Test
    void aTextFileNamedJpgShowsItsRejectedReason() {
        String reason = "notes.jpg is not an image this service reads (JPEG, PNG, WebP or TIFF expected)";
        open("#/submit");
        selectStyle("swirls");
        drop(".photo-drop", files.resolve("notes.jpg"));
        await("the intake's reason", d -> text(".photo-note").contains(reason));
        assertTrue(!browser.findElement(By.cssSelector("button[type=submit]")).isEnabled(), "nothing to submit");
        screenshot("submit-rejected");

        // The same file dropped into the bucket by someone else becomes a REJECTED job: the console says why.
        stack.store.write("inbox/swirls/notes.jpg", "shopping list: eggs, paint".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        open("#/");
        await("the rejected job", d -> !browser.findElements(By.cssSelector(".card[data-job^='notes-'] .badge.rejected")).isEmpty());
        assertTrue(browser.findElement(By.cssSelector(".card[data-job^='notes-'] .meta")).getText().contains(reason));
        click(".card[data-job^='notes-']");
        await("its reason, plainly", d -> visible(".reason") && text(".reason-text").equals(reason));
        assertTrue(text(".reason-title").startsWith("Rejected"));
        screenshot("job-rejected");
    }

    @Test
    void aBlendOfTwoStylesIsSubmittedAndSucceeds() {
        open("#/submit");
        drop(".photo-drop", files.resolve("harbour.png"));
        await("the photo's check", d -> text(".photo-note").contains("PNG"));
        selectStyle("swirls");
        drop(".style-drop", files.resolve("stripes.png"));
        await("the new painting, chosen", d -> !browser.findElements(By.cssSelector(".style-card.selected[data-style='stripes']")).isEmpty());
        js("const w = document.querySelectorAll('.style-card.selected .weight');"
                + " w[0].value = 75; w[1].value = 25; w.forEach(i => i.dispatchEvent(new Event('input')));");
        await("the blend's shares", d -> text(".style-card.selected .share").equals("75%"));
        js("document.querySelector('.options details').open = true;");
        browser.findElement(By.name("steps")).sendKeys("6");
        browser.findElement(By.name("maxSize")).sendKeys("48");
        screenshot("submit-blend");
        click("button[type=submit]");

        await("the job page", d -> d.getCurrentUrl().contains("#/job/harbour-"));
        String jobId = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("#/job/") + 6);
        await("success", d -> badge().equals("succeeded"));
        assertEquals(3, browser.findElements(By.cssSelector(".input-images figure")).size(), "the photo and two styles");
        screenshot("job-blend");

        Outcome outcome = stack.outcome(jobId).orElseThrow();
        assertEquals(JobState.SUCCEEDED, outcome.status(), outcome.reason());
        assertEquals(List.of("styles/swirls.png", "styles/stripes.png"), outcome.styles().stream().map(StyleRef::key).toList());
        assertEquals(List.of(0.75, 0.25), outcome.styles().stream().map(StyleRef::weight).toList());
        assertEquals(6, outcome.steps());
        Manifest manifest = Manifest.parse(stack.store.read(outcome.source()).orElseThrow(), stack.store.bucket(),
                Limits.SERVICE);
        assertTrue(outcome.source().startsWith("jobs/harbour-") && manifest.content().startsWith("uploads/harbour-"),
                outcome.source() + " " + manifest.content());
    }

    @Test
    void theLossPlotMarksWhereEachLargerScaleStarts() throws IOException {
        String jobId = "coarse-to-fine-" + System.nanoTime();
        String photo = "uploads/" + jobId + ".png";
        stack.store.write(photo, Files.readAllBytes(Examples.PHOTO), "image/png");
        StylePlan plan = Preset.QUALITY.plan(1024, 768, PlanOptions.NONE); // 128, 256 and 512 px: 25, 20 and 20 steps
        stack.ledger.record(new Job(jobId, stack.store.bucket(), photo, List.of(new StyleRef("styles/swirls.png", 1)), "quality",
                PlanOptions.NONE, plan, "jobs/" + jobId + ".json", stack.ledger.now()));
        List<double[]> history = new ArrayList<>();
        for (int step = 1; step <= 60; step++) { // the loss jumps where each larger scale starts
            history.add(new double[] {step, 1e6 / step * (step > 45 ? 8 : step > 25 ? 4 : 1)});
        }
        stack.ledger.progress(new JobStatus(jobId, JobState.RUNNING, 60, plan.totalSteps(), history.getLast()[1], null, null,
                null, null, null, 1, null, stack.ledger.now(), stack.ledger.now(), history, 0, null));

        open("#/job/" + jobId);
        await("the loss plot", d -> !d.findElements(By.cssSelector(".plot path.line")).isEmpty());
        assertEquals(2, browser.findElements(By.cssSelector(".plot line.scale")).size(), "one mark per larger scale");
        assertEquals(List.of("256 px", "512 px"), browser.findElements(By.cssSelector(".plot text.scale-label")).stream()
                .map(e -> e.getAttribute("textContent")).toList());
        double first = Double.parseDouble(browser.findElement(By.cssSelector(".plot line.scale")).getAttribute("x1"));
        assertTrue(first > 8 + (25 - 1) / 59.0 * 304 && first < 8 + (26 - 1) / 59.0 * 304,
                "between the coarse scale's last step (25) and the next one's first: " + first);
        assertTrue(text(".plot-note").contains("a larger scale starts"), text(".plot-note"));
        screenshot("job-scales");
    }

    // ---- the page ----

    private static void open(String hash) {
        browser.get(console.address() + hash);
        await("the page", d -> (Boolean) js("return document.readyState === 'complete' && !!document.querySelector('#view > section');"));
    }

    /** A drop event carrying the file, as a browser makes it when a file is dragged onto the zone. */
    private static void drop(String zone, Path file) {
        WebElement input = (WebElement) js("const i = document.createElement('input'); i.type = 'file';"
                + " i.className = 'test-file'; i.hidden = true; document.body.append(i); return i;");
        input.sendKeys(file.toAbsolutePath().toString());
        js("const [zone, input] = arguments; const data = new DataTransfer(); data.items.add(input.files[0]);"
                + " for (const type of ['dragenter', 'dragover', 'drop']) {"
                + "   zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data})); }"
                + " input.remove();", browser.findElement(By.cssSelector(zone)), input);
    }

    private static void selectStyle(String name) {
        String card = ".style-card[data-style='" + name + "']";
        await("the style " + name, d -> !d.findElements(By.cssSelector(card)).isEmpty());
        if (!browser.findElement(By.cssSelector(card)).getAttribute("class").contains("selected")) {
            click(card);
        }
    }

    /** Every image the live view shows, with the job's state at that moment, from a MutationObserver. */
    private static void recordLiveFrames() {
        js("window.liveFrames = []; new MutationObserver((records) => { for (const r of records) {"
                + " if (r.target.matches && r.target.matches('.live img') && r.target.getAttribute('src')) {"
                + "   const badge = document.querySelector('.job .badge');"
                + "   window.liveFrames.push({src: r.target.getAttribute('src'), state: badge ? badge.textContent : ''}); } } })"
                + ".observe(document.body, {subtree: true, attributes: true, attributeFilter: ['src']});");
    }

    @SuppressWarnings("unchecked")
    private static List<String> runningFrames() {
        return ((List<Map<String, String>>) js("return window.liveFrames;")).stream()
                .filter(f -> f.get("state").equals("running")).map(f -> f.get("src")).distinct().toList();
    }

    private static String badge() {
        return text(".job .badge");
    }

    private static String text(String selector) {
        return (String) js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector);
    }

    private static boolean visible(String selector) {
        List<WebElement> found = browser.findElements(By.cssSelector(selector));
        return !found.isEmpty() && found.getFirst().isDisplayed();
    }

    private static void click(String selector) {
        browser.findElement(By.cssSelector(selector)).click();
    }

    private static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private static void await(String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(100)).until(condition::apply);
        } catch (RuntimeException e) {
            screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
            throw new AssertionError("timed out waiting for " + what + " at " + browser.getCurrentUrl() + "\nbrowser console:\n"
                    + browser.manage().logs().get("browser").getAll().stream().map(Object::toString).collect(Collectors.joining("\n"))
                    + "\nworker log:\n" + tail(worker.log()), e);
        }
    }

    private static void screenshot(String name) {
        try {
            chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
        } catch (RuntimeException e) {
            System.err.println("no screenshot " + name + ": " + e.getMessage());
        }
    }

    private static Set<String> keys() {
        return stack.store.list("").stream().map(StoredObject::key).collect(Collectors.toSet());
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static BufferedImage stripes() {
        BufferedImage image = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, ((x + y) / 8) % 2 == 0 ? 0xE0A030 : 0x203060);
            }
        }
        return image;
    }
}
