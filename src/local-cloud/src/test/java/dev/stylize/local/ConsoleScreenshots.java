package dev.stylize.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Not a check: how the README's picture of the console is made, from a real local stack with a
 * finished job. Runs only when given a job:
 * <pre>
 * bin/stylize local up   # then submit a photo, wait for its result
 * ./mvnw -pl src/local-cloud test -Dtest=ConsoleScreenshots -Dconsole.job=JOB_ID [-Dconsole.url=http://127.0.0.1:8765/]
 * </pre>
 * Pictures go to target/screenshots (light and dark).
 */
@EnabledIfSystemProperty(named = "console.job", matches = ".+")
class ConsoleScreenshots {
    @Test
    void pictures() {
        String url = System.getProperty("console.url", "http://127.0.0.1:8765/");
        String job = System.getProperty("console.job");
        Path out = Path.of("target/screenshots");
        try (HeadlessChromium chromium = new HeadlessChromium(1280, 1060)) {
            for (String scheme : new String[] {"light", "dark"}) {
                chromium.colorScheme(scheme);
                chromium.driver.get(url + "#/job/" + job);
                settle(chromium, "const i = document.querySelector('.compare .after'); return !!i && i.complete"
                        + " && i.naturalWidth > 0 && !!document.querySelector('.plot path.line')"
                        + " && [...document.querySelectorAll('.strip img')].every(s => s.complete && s.naturalWidth > 0);");
                chromium.driver.executeScript("const s = document.querySelector('.slider'); s.value = 42;"
                        + " s.dispatchEvent(new Event('input'));");
                chromium.screenshot(out.resolve("console-job-" + scheme + ".png"));
                chromium.driver.get(url + "#/");
                settle(chromium, "return [...document.querySelectorAll('.card img')].every(i => i.complete);");
                chromium.screenshot(out.resolve("console-jobs-" + scheme + ".png"));
            }
        }
    }

    private static void settle(HeadlessChromium chromium, String ready) {
        new WebDriverWait(chromium.driver, Duration.ofSeconds(30)).until(d -> (Boolean) chromium.driver.executeScript(ready));
        try {
            Thread.sleep(800); // transitions end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
