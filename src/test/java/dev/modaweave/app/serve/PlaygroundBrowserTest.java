package dev.modaweave.app.serve;

import dev.modaweave.app.HeadlessChromium;
import dev.modaweave.app.runtime.AgentRuntime;
import dev.modaweave.tools.testing.RequiresProgram;
import dev.modaweave.tools.testing.SystemPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web playground end to end in headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), driven by Selenium without Selenium Manager: a message with two
 * meta-responses shows its text with a loaded image and an audio player each where its call stood;
 * placeholders appear at the calls' places and are replaced there by the player or a failure marker,
 * even when the text after a call arrives before the call is accepted; an uploaded image goes out with
 * the next message; a video call shows a {@code <video>} player whose clip loads (metadata, duration,
 * frame size; an animated GIF image where ffmpeg is missing). Saves a screenshot to
 * {@code target/playground.png}. Skipped where Chromium or its driver is not on the {@code PATH},
 * failed instead when {@code CI=true}.
 */
@Timeout(300)
@RequiresProgram(value = "chromium", debianPackage = "chromium")
@RequiresProgram(value = "chromedriver", debianPackage = "chromium-driver")
class PlaygroundBrowserTest {

    @Test
    void a_message_shows_its_text_a_loaded_image_and_an_audio_player_as_the_events_arrive(@TempDir Path dir) throws Exception {
        try (ServeServer server = ServeServer.start(ServeOptions.local(0, dir.resolve("store")), AgentRuntime.builder())) {
            String base = "http://127.0.0.1:" + server.port();
            ChromeDriver driver = HeadlessChromium.start(dir.resolve("chromium-profile"));
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(90));
                driver.get(base + "/");
                wait.until(d -> !d.findElements(By.cssSelector("#tools li[data-tool]")).isEmpty());
                assertThat(driver.findElements(By.cssSelector("#tools li[data-available=true]"))).isNotEmpty();

                send(driver, wait, "A fox in the snow: <meta>{\"id\":\"img1\",\"task\":\"text-to-image\",\"args\":{\"prompt\":\"a red fox in fresh snow\"}}</meta>"
                        + " and the wind: <meta>{\"id\":\"snd1\",\"task\":\"text-to-audio\",\"args\":{\"prompt\":\"wind in pines\"}}</meta> Stay warm.");
                WebElement reply = wait.until(d -> d.findElements(By.cssSelector(".msg.assistant[data-turn=done]")).stream().findFirst().orElse(null));
                assertThat(reply.getText()).contains("A fox in the snow:").contains("and the wind:").doesNotContain("<meta>");
                WebElement image = reply.findElement(By.cssSelector("img"));
                wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth > 0", image)));
                assertThat(image.getAttribute("src")).contains("/v1/artifacts/art_");
                WebElement audio = reply.findElement(By.cssSelector("audio[controls]"));
                wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return arguments[0].readyState", audio)).intValue() >= 1);
                assertThat(layout(driver, reply)).as("text and media in the order of the message")
                        .containsExactly("text:A fox in the snow:", "img:img1", "text:and the wind:", "audio:snd1", "text:Stay warm.");
                ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'end'})", reply);
                Path screenshot = HeadlessChromium.screenshot(driver, "playground.png");
                assertThat(Files.size(screenshot)).isPositive();

                Path upload = dir.resolve("fox.png");
                Files.write(upload, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(image.getAttribute("src"))).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body());
                driver.findElement(By.id("file")).sendKeys(upload.toString());
                wait.until(d -> !d.findElements(By.cssSelector("#attachments .pill")).isEmpty());
                send(driver, wait, "Modality: [IMAGE] Prompt: the same fox at night");
                wait.until(d -> d.findElements(By.cssSelector(".msg.assistant[data-turn=done]")).size() == 2);
                List<WebElement> userImages = driver.findElements(By.cssSelector(".msg.user img"));
                assertThat(userImages).hasSize(1);
                wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return [...document.images].every(i => i.complete && i.naturalWidth > 0)")));

                String foxId = image.getAttribute("data-artifact");
                send(driver, wait, "A short clip: <meta>{\"id\":\"vid1\",\"task\":\"text-to-video\",\"args\":"
                        + "{\"prompt\":\"clouds drifting over hills\",\"frames\":12,\"fps\":12,\"width\":160,\"height\":120}}</meta>");
                wait.until(d -> d.findElements(By.cssSelector(".msg.assistant[data-turn=done]")).size() == 3);
                WebElement clip = driver.findElements(By.cssSelector(".msg.assistant")).get(2);
                if (SystemPrograms.find("ffmpeg").isPresent()) {
                    checkVideo(driver, wait, clip);
                } else {
                    WebElement gif = clip.findElement(By.cssSelector("img"));
                    wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                            "return arguments[0].complete && arguments[0].naturalWidth === 160", gif)));
                }

                placeholdersStandWhereTheCallsStoodAndArePlacedInPlace(driver, wait, foxId);
            } finally {
                driver.quit();
            }
        }
    }

    /**
     * Drives the page with a scripted event stream (the page's fetch of /v1/turns answered from the test),
     * in the order the agent may send it: the text after a call arrives before the call is accepted.
     */
    private static void placeholdersStandWhereTheCallsStoodAndArePlacedInPlace(ChromeDriver driver, WebDriverWait wait, String imageId) {
        driver.executeScript("""
                const realFetch = window.fetch;
                window.fetch = (url, options) => {
                  if (!String(url).startsWith('/v1/turns')) return realFetch(url, options);
                  const stream = new ReadableStream({ start(c) { window.__turn = c; } });
                  return Promise.resolve(new Response(stream, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
                };
                window.__push = (e) => window.__turn.enqueue(new TextEncoder().encode('data: ' + JSON.stringify(e) + '\\n\\n'));
                """);
        send(driver, wait, "scripted");
        wait.until(d -> d.findElements(By.cssSelector(".msg.assistant")).size() == 4);
        WebElement reply = driver.findElements(By.cssSelector(".msg.assistant")).get(3);
        push(driver, "{\"type\":\"text\",\"text\":\"Look: \"}", "{\"type\":\"text\",\"text\":\" and listen: \"}",
                "{\"type\":\"text\",\"text\":\" Bye.\"}",
                "{\"type\":\"call_accepted\",\"callId\":\"snd1\",\"at\":19,\"task\":\"text-to-audio\"}",
                "{\"type\":\"call_accepted\",\"callId\":\"img1\",\"at\":6,\"task\":\"text-to-image\"}",
                "{\"type\":\"progress\",\"callId\":\"img1\",\"at\":6,\"fraction\":0.5}");
        wait.until(d -> layout(d, reply).size() == 5);
        assertThat(layout(driver, reply)).as("placeholders at the calls' offsets")
                .containsExactly("text:Look:", "pending:img1", "text:and listen:", "pending:snd1", "text:Bye.");
        assertThat(reply.findElement(By.cssSelector(".pending[data-call=img1] .bar > i")).getAttribute("style")).contains("50%");

        push(driver, "{\"type\":\"artifact\",\"callId\":\"img1\",\"at\":6,\"id\":\"" + imageId
                        + "\",\"mimeType\":\"image/png\",\"modality\":\"image\",\"tool\":\"preview-image\"}",
                "{\"type\":\"call_failed\",\"callId\":\"snd1\",\"at\":19,\"error\":{\"code\":\"timeout\",\"message\":\"the tool took too long\"}}",
                "{\"type\":\"turn_done\"}");
        wait.until(d -> "done".equals(reply.getAttribute("data-turn")));
        assertThat(layout(driver, reply)).as("the image and the failure marker replace their placeholders in place")
                .containsExactly("text:Look:", "img:img1", "text:and listen:", "note:[audio failed: the tool took too long]", "text:Bye.");
    }

    private static void push(ChromeDriver driver, String... events) {
        for (String event : events) {
            driver.executeScript("window.__push(" + event + ")");
        }
    }

    /** The bubble's children in order: text runs, media players (with their call), placeholders and notes. */
    @SuppressWarnings("unchecked")
    private static List<String> layout(org.openqa.selenium.WebDriver driver, WebElement bubble) {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("""
                return [...arguments[0].childNodes].map(n => {
                  if (n.nodeType === Node.TEXT_NODE) return 'text:' + n.textContent.trim();
                  if (n.classList.contains('pending')) return 'pending:' + n.dataset.call;
                  if (n.classList.contains('media')) return n.querySelector('img, audio, video').tagName.toLowerCase() + ':' + n.dataset.call;
                  if (n.classList.contains('note')) return 'note:' + n.textContent;
                  return n.tagName;
                });""", bubble);
    }

    private static void checkVideo(ChromeDriver driver, WebDriverWait wait, WebElement clip) throws Exception {
        WebElement video = clip.findElement(By.cssSelector("video[controls]"));
        assertThat(video.getAttribute("src")).contains("/v1/artifacts/art_");
        wait.until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "const v = arguments[0]; if (v.error) throw new Error('video error ' + v.error.code + ': ' + v.error.message);"
                        + " return v.readyState >= 1 && isFinite(v.duration) && v.duration > 0 && v.videoWidth > 0", video)));
        assertThat(((Number) ((JavascriptExecutor) driver).executeScript("return arguments[0].videoWidth", video)).intValue())
                .isEqualTo(160);
        HttpResponse<byte[]> bytes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(video.getAttribute("src")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("video/"));
        assertThat(bytes.body()).isNotEmpty();
    }

    private static void send(ChromeDriver driver, WebDriverWait wait, String text) {
        wait.until(d -> d.findElement(By.id("send")).isEnabled());
        WebElement input = driver.findElement(By.id("message"));
        input.clear();
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }
}
