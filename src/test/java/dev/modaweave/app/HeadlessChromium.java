package dev.modaweave.app;

import dev.modaweave.tools.testing.SystemPrograms;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Starts Debian's headless Chromium through its chromedriver (both found on the {@code PATH}, the
 * test skipped or, with {@code CI=true}, failed when either is missing), with a fresh profile, no
 * sandbox, no GPU and no background network traffic; Selenium Manager is never used.
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /** A driver for a 1280×900 window whose profile lives in {@code profile}; the caller quits it. */
    public static ChromeDriver start(Path profile) throws IOException {
        Path chromium = SystemPrograms.require("chromium", "chromium");
        Path chromedriver = SystemPrograms.require("chromedriver", "chromium-driver");
        System.setProperty("webdriver.chrome.driver", chromedriver.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
                "--allow-file-access-from-files", "--window-size=1280,900",
                "--user-data-dir=" + Files.createDirectories(profile));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1280, 900));
        return driver;
    }

    /** Saves what the window shows as {@code target/NAME} of the module and returns the file. */
    public static Path screenshot(ChromeDriver driver, String name) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", name);
        Files.createDirectories(target.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
