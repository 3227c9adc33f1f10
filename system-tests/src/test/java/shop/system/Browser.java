package shop.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver (no browser or driver is
 * downloaded: Selenium Manager is not used). Missing either is a failure, never a skip: `.ci/run`
 * installs both ({@code chromium}, {@code chromium-driver}).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SHOP_TEST_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("SHOP_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;
    private final String base;

    private Browser(ChromeDriver driver, Path profile, String base) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
    }

    /** A fresh browser (its own profile: no storage from another test) on the gateway at {@code base}. */
    static Browser open(String base, Dimension window) throws IOException {
        assertThat(Files.isExecutable(CHROMIUM))
                .as("Chromium at %s (apt-get install chromium chromium-driver; .ci/run does)", CHROMIUM)
                .isTrue();
        assertThat(Files.isExecutable(CHROMEDRIVER))
                .as("chromedriver at %s (apt-get install chromium-driver; .ci/run does)", CHROMEDRIVER)
                .isTrue();
        Path profile = Files.createTempDirectory("shop-chromium");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=" + profile,
                        "--window-size=" + window.width + "," + window.height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return new Browser(driver, profile, base);
    }

    WebDriver driver() {
        return driver;
    }

    void go(String path) {
        driver.get(base + path);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String script, Object... arguments) {
        return driver.executeScript(script, arguments);
    }

    <T> T await(Duration timeout, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, timeout)
                .pollingEvery(Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition);
    }

    <T> T await(Function<WebDriver, T> condition) {
        return await(Duration.ofSeconds(15), condition);
    }

    /** Waits until the element is shown, and returns it. */
    WebElement shown(String css) {
        return await(d -> {
            WebElement element = d.findElement(By.cssSelector(css));
            return element.isDisplayed() ? element : null;
        });
    }

    /** Waits until the element's text contains {@code text}, and returns the whole text. */
    String text(String css, String text) {
        return await(d -> {
            String shown = d.findElement(By.cssSelector(css)).getText();
            return shown.contains(text) ? shown : null;
        });
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs axe-core (WCAG 2 A and AA rules) on the page as it is, and returns the serious and critical
     * violations as "rule: help (n nodes)". The script is injected here: the page's policy is not loosened.
     */
    @SuppressWarnings("unchecked")
    List<String> seriousAccessibilityViolations() {
        ((JavascriptExecutor) driver).executeScript(axeScript());
        Map<String, Object> results = (Map<String, Object>) driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
                    .then(results => done(results), error => done({error: String(error)}));
                """);
        assertThat(results).doesNotContainKey("error");
        List<Map<String, Object>> violations = (List<Map<String, Object>>) results.get("violations");
        assertThat((List<Object>) results.get("passes")).as("rules axe checked").isNotEmpty();
        return violations.stream()
                .filter(v -> "serious".equals(v.get("impact")) || "critical".equals(v.get("impact")))
                .map(v -> v.get("id") + ": " + v.get("help") + " (" + ((List<?>) v.get("nodes")).size() + " nodes: "
                        + ((List<Map<String, Object>>) v.get("nodes"))
                                .stream()
                                        .map(n -> String.valueOf(n.get("html")))
                                        .toList()
                        + ")")
                .toList();
    }

    private static String axeScript() {
        try (InputStream in = Browser.class.getClassLoader().getResourceAsStream("axe.min.js")) {
            assertThat(in)
                    .as("axe.min.js (com.deque.html.axe-core:selenium) on the test class path")
                    .isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temporary profile left behind is harmless.
        }
    }
}
