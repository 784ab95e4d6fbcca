import { defineConfig, devices } from "@playwright/test";

// The tests drive Debian's Chromium (no browser download) against the release build of the
// demos (port 3000) and of the example project in examples/first-demo (port 7860), which the
// README's test command builds and starts first; run alone, Playwright starts the demos itself.
export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: "http://127.0.0.1:3000",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    command: "./target/release/rheo-demos",
    cwd: "..",
    url: "http://127.0.0.1:3000/",
    reuseExistingServer: true,
    timeout: 30_000,
    env: { RUST_LOG: "warn", RHEO_FLAGGING_DIR: "target/flagged" },
  },
});
