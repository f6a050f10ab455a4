package dev.kiln.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.model.FunctionRegistry;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in a real browser (Debian's chromium and chromedriver): a signed delivery makes a
 * run appear in the list, and its output streams into the run's page while it runs. Screenshots
 * land in {@code target/screenshots/} for a person to look at.
 */
@Tag("e2e")
class WebPageBrowserE2ETest {
  static final String TOKEN = "browser-token-0123456789";
  static final WebhookSecret SECRET = WebhookSecret.of("browser-secret");
  static final Path SHOTS = Path.of("target/screenshots");

  @TempDir Path dir;

  @Test
  void aDeliveryMakesARunAppearAndItsOutputStreamsIn() throws Exception {
    ServerE2ETest.requireEngine();
    requireBrowser();
    try (GitFixture git = new GitFixture(dir.resolve("repo"))) {
      String commit = git.commit(Map.of("pipeline.pkl", """
          amends ".kiln/schema/Pipeline.pkl"
          local busybox = container.from("busybox:latest")
          tasks {
            ["count"] {
              description = "Counts slowly, for the page to follow"
              run = busybox.withExec(List("sh", "-c", "echo \\(read("env:NONCE")); for i in 1 2 3 4 5 6; do echo line-$i; sleep 1; done"))
            }
          }
          hostEnv { "NONCE" }
          triggers { new Push { branches { "main" } } }
          """), "pipeline");
      ServerSettings settings = ServerSettings.builder(dir.resolve("data"), git.dir.toString(), TOKEN)
          .setListen("127.0.0.1", 0).setSecret(WebhookSource.GITHUB, SECRET)
          .setEnvironment(Map.of("NONCE", "nonce-" + System.nanoTime())).build();
      try (KilnServer server = KilnServer.start(settings, new ExecutorRuns(null, 2, FunctionRegistry::builtIn),
          n -> { })) {
        URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
        ServerClient client = new ServerClient(base, TOKEN, SECRET);
        WebDriver browser = browser();
        try {
          browser.get(base + "?token=" + TOKEN); // sets the cookie and drops the token from the address
          assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
          assertThat(browser.getPageSource()).contains("No runs yet.");

          long id = ServerClient.runId(client.push("main", null, commit));
          browser.navigate().refresh();
          var link = browser.findElement(By.cssSelector("tr[data-run='" + id + "'] a"));
          link.click();
          // lines arrive while the run is still running: streamed, not loaded at the end
          waitUntil(() -> browser.findElement(By.id("log")).getText().contains("line-2"));
          String statusWhileStreaming = browser.findElement(By.id("status")).getText();
          String logWhileStreaming = browser.findElement(By.id("log")).getText();
          screenshot(browser, "run-streaming.png");
          assertThat(statusWhileStreaming).isEqualTo("running");
          assertThat(logWhileStreaming).doesNotContain("line-6");
          waitUntil(() -> browser.findElement(By.id("status")).getText().equals("succeeded"));
          String log = browser.findElement(By.id("log")).getText();
          assertThat(log).contains("[count] #").contains("line-1").contains("line-6").contains("kiln: succeeded");
          assertThat(browser.findElement(By.cssSelector("tr[data-task='count'] td.succeeded")).getText())
              .isEqualTo("succeeded");
          // the task graph: the task's box, coloured by its status, with its duration and cache hits
          var node = browser.findElement(By.cssSelector("#graph g.node.succeeded[data-task='count']"));
          var detail = node.findElement(By.cssSelector("text.detail"));
          // drawn, not only in the document (text inside a rect would not be)
          assertThat(((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].getBBox().width",
              detail)).doubleValue()).isGreaterThan(50);
          assertThat(detail.getText()).containsPattern("succeeded · \\d+\\.\\ds · \\d+/\\d+ cached");
          screenshot(browser, "run-finished.png");
          browser.get(base.toString());
          assertThat(browser.findElement(By.cssSelector("tr[data-run='" + id + "'] td.succeeded")).getText())
              .isEqualTo("succeeded");
          // the cache-hit rate over time: a point for the run
          assertThat(browser.findElements(By.cssSelector("#cache-chart circle.point[data-run='" + id + "']")))
              .hasSize(1);
          assertThat(browser.findElement(By.id("cache-rate")).getText()).contains("came from the cache over the last");
          screenshot(browser, "runs.png");
        } finally {
          browser.quit();
        }
      }
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the page never showed what was awaited");
      }
      Thread.sleep(100);
    }
  }

  private static void requireBrowser() {
    if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
      String why = "no /usr/bin/chromium and /usr/bin/chromedriver (apt-get install chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        fail(why);
      }
      assumeTrue(false, why);
    }
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium")
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    Files.createDirectories(SHOTS);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
