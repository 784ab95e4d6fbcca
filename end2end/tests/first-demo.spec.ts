import { expect, test } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, halves, twoToneVideo } from "../fixtures/media";

// examples/first-demo: a project outside the workspace, built with plain `cargo build` from the
// library's packages (scripts/package-check.sh), serving the embedded UI bundle on the default
// port.
const origin = "http://127.0.0.1:7860";

const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMediaArgs(twoToneVideo())],
  },
});

test("an author's own project: the calculator hydrates and recomputes live", async ({ page }) => {
  const bundle: string[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/pkg/")) bundle.push(`${r.status()} ${r.headers()["cache-control"]} ${r.url()}`);
  });
  await page.goto(`${origin}/calculator`);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("button", { name: "Submit" })).toHaveCount(0);
  await page.getByLabel("num1", { exact: true }).fill("6");
  await page.getByRole("radio", { name: "multiply" }).check();
  await page.getByLabel("num2", { exact: true }).fill("7");
  await expect(page.getByLabel("output", { exact: true })).toHaveValue("42");
  // The embedded bundle, at content-hashed names, cached for good.
  expect(bundle.some((line) => /^200 public, max-age=31536000, immutable .*\/pkg\/[0-9a-f]{16}\/rheo\.wasm$/.test(line))).toBe(true);
});

test("an author's own project: the fake webcam streams and comes back upside down", async ({ page }) => {
  await page.goto(`${origin}/flip`);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.locator(".stream-controls")).toHaveAttribute("data-stream", "streaming");
  await expect.poll(async () => Number(await page.locator(".stream-controls").getAttribute("data-frames"))).toBeGreaterThan(3);
  const flipped = page.getByRole("img", { name: "output" });
  const upsideDown = () => halves(flipped).then((h) => h.top < 60 && h.bottom > 180, () => false);
  await expect.poll(upsideDown, { message: "dark top, bright bottom", timeout: 5_000 }).toBe(true);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.locator(".stream-controls")).toHaveAttribute("data-stream", "off");
});

test("an author's own project: a Blocks app from the README, its button and chained step", async ({ page }) => {
  await page.goto(`${origin}/doubler`);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByText("Type a number, then")).toBeVisible();
  await page.getByLabel("x", { exact: true }).fill("21");
  await page.getByRole("button", { name: "Double" }).click();
  await expect(page.getByLabel("doubled", { exact: true })).toHaveValue("42");
  // `describe` ran after `double` succeeded, on its result.
  await expect(page.getByRole("textbox")).toHaveValue("the double is 42");
});
