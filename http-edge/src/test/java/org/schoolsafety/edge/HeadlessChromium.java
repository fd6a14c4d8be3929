package org.schoolsafety.edge;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * The browser tests' Chromium: Debian's headless Chromium and its driver, with a profile of the
 * test's own and the browser console's log kept, the same for every page under test.
 */
final class HeadlessChromium {

  private HeadlessChromium() {}

  /** Fails the test with what to install when Debian's Chromium or its driver is missing. */
  static void requireInstalled() {
    for (String executable : List.of(ConsoleBrowserTest.CHROMIUM, ConsoleBrowserTest.CHROMEDRIVER)) {
      if (!new File(executable).canExecute()) {
        throw new AssertionError(executable + " is not installed. The browser tests need Debian's Chromium and its driver: "
            + "run `apt-get update && apt-get install -y chromium chromium-driver` "
            + "(or point -Dhub.test.chromium / -Dhub.test.chromedriver at them).");
      }
    }
  }

  /** {@code windowSize} as Chromium takes it ("1600,1000"); {@code more}: extra arguments such as "--lang=en-US". */
  static ChromeDriver start(Path profile, String windowSize, Duration wait, String... more) {
    // Selenium must not look for (or download) a browser or driver: both are given.
    System.setProperty("webdriver.chrome.driver", ConsoleBrowserTest.CHROMEDRIVER);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(ConsoleBrowserTest.CHROMIUM);
    List<String> args = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=" + windowSize, "--user-data-dir=" + profile));
    args.addAll(List.of(more));
    options.addArguments(args);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(ConsoleBrowserTest.CHROMEDRIVER))
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(wait).scriptTimeout(wait);
    return driver;
  }
}
