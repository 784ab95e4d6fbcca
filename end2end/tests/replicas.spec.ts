import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, halves, twoToneVideo } from "../fixtures/media";

// Three replicas of the demos sharing one Redis, behind nginx round-robin with no stickiness,
// started by scripts/replicas-test-env.sh (scripts/test.sh sources it). compat/test_replicas.py
// stops one of them before these run: they work on the two left.
const replicas = process.env.RHEO_REPLICAS_URL;
test.skip(!replicas && !process.env.CI, "needs the replicas of scripts/replicas-test-env.sh");

const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMediaArgs(twoToneVideo()), "--autoplay-policy=no-user-gesture-required"],
  },
});

/** The replicas (nginx's X-Rheo-Replica) that answered the page's requests whose path has `part`. */
function answering(page: Page, part: string): Set<string> {
  const seen = new Set<string>();
  page.on("response", (response) => {
    const replica = response.headers()["x-rheo-replica"];
    if (replica && new URL(response.url()).pathname.includes(part)) seen.add(replica.split(", ").pop()!);
  });
  return seen;
}

async function open(page: Page, name: string) {
  await page.goto(`${replicas}${name}`);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("the live calculator's calls land on several replicas and the last input's answer stays", async ({ page }) => {
  const runs = answering(page, "/calculator/run");
  await open(page, "calculator");
  await page.getByRole("radiogroup", { name: "operation" }).getByRole("radio", { name: "multiply" }).check();
  const num1 = page.getByLabel("num1", { exact: true });
  for (const digits of ["1", "12", "123", "1234"]) {
    await num1.fill(digits);
    await page.getByLabel("num2", { exact: true }).fill("2");
    await expect(page.getByLabel("output", { exact: true })).toHaveValue(String(Number(digits) * 2));
  }
  expect(runs.size).toBeGreaterThan(1);
});

test("the webcam streams through nginx to one replica, frames flipped", async ({ page }) => {
  await open(page, "flip");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.locator(".stream-controls")).toHaveAttribute("data-stream", "streaming");
  const flipped = page.getByRole("img", { name: "flipped" });
  const upsideDown = () => halves(flipped).then((h) => h.top < 60 && h.bottom > 180, () => false);
  await expect.poll(upsideDown, { message: "dark top, bright bottom", timeout: 5_000 }).toBe(true);
  await expect.poll(() => page.locator(".stream-controls").getAttribute("data-frames").then(Number)).toBeGreaterThan(10);
  await page.getByRole("button", { name: "Stop" }).click();
});

test("streamed audio plays as it is made, its chunks fetched from other replicas than the call's", async ({ page }) => {
  const calls = answering(page, "/synth/run");
  const files = answering(page, "/synth/gradio_api/file=");
  await open(page, "synth");
  for (let round = 0; round < 2; round++) {
    await page.getByLabel("notes", { exact: true }).fill(round ? "G4 E4 C4" : "C4 E4 G4");
    await page.getByRole("button", { name: "Submit" }).click();
    const player = page.locator("figure.audio.output");
    await expect(player.locator("audio")).toBeVisible({ timeout: 10_000 });
    await expect(player).toHaveAttribute("data-chunks", "3");
    const src = (await player.locator("audio").getAttribute("src"))!;
    for (let k = 0; k < 3; k++) expect((await page.request.get(new URL(src, replicas).href)).status()).toBe(200);
  }
  // The calls and the chunk files the page fetched were answered by more than one replica.
  expect(files.size).toBeGreaterThan(0);
  expect(new Set([...calls, ...files]).size).toBeGreaterThan(1);
});
