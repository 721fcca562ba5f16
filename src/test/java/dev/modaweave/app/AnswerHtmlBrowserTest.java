package dev.modaweave.app;

import dev.modaweave.tools.testing.RequiresProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code run --out DIR} then {@code DIR/answer.html} opened from the file system in headless
 * Chromium: the picture loads and is drawn between "Alpha" and "Beta", the audio player between
 * "Beta" and "Gamma". Saves a screenshot to {@code target/answer.png}.
 */
@Timeout(300)
@RequiresProgram(value = "chromium", debianPackage = "chromium")
@RequiresProgram(value = "chromedriver", debianPackage = "chromium-driver")
class AnswerHtmlBrowserTest {

    @Test
    void the_browser_draws_the_picture_between_alpha_and_beta_and_the_audio_between_beta_and_gamma(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        var result = CliRunner.run("run", "Alpha <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in snow\"}}</meta>"
                        + " Beta <meta>{\"id\":\"snd1\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"wind in pines\"}}</meta> Gamma",
                "--out", out.toString(), "--store", dir.resolve("store").toString());
        assertThat(result.exitCode()).as(result.err()).isZero();

        ChromeDriver driver = HeadlessChromium.start(dir.resolve("chromium-profile"));
        try {
            driver.get(out.resolve("answer.html").toUri().toString());
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
            WebElement image = driver.findElement(By.cssSelector("main img"));
            wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0", image)));
            WebElement audio = driver.findElement(By.cssSelector("main audio[controls]"));
            wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return arguments[0].readyState", audio)).intValue() >= 1);

            int alpha = top(driver, "Alpha");
            int beta = top(driver, "Beta");
            int gamma = top(driver, "Gamma");
            assertThat(alpha).isLessThan(image.getRect().getY());
            assertThat(image.getRect().getY() + image.getRect().getHeight()).isLessThanOrEqualTo(beta);
            assertThat(beta).isLessThan(audio.getRect().getY());
            assertThat(audio.getRect().getY() + audio.getRect().getHeight()).isLessThanOrEqualTo(gamma);
            assertThat(Files.size(HeadlessChromium.screenshot(driver, "answer.png"))).isPositive();
        } finally {
            driver.quit();
        }
    }

    private static int top(ChromeDriver driver, String paragraph) {
        return driver.findElements(By.cssSelector("main p")).stream().filter(p -> p.getText().equals(paragraph)).findFirst()
                .orElseThrow(() -> new AssertionError("no paragraph '" + paragraph + "' in " + driver.getPageSource()))
                .getRect().getY();
    }
}
