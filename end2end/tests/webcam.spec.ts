import { expect, test, type Page, type Locator } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, halves, liveTracks, twoToneVideo, watchDevices } from "../fixtures/media";

// Chromium's fake camera plays a video whose top half is white and bottom half black.
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMediaArgs(twoToneVideo())],
  },
});

async function open(page: Page, path: string) {
  await watchDevices(page);
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

const streamEl = (page: Page) => page.locator(".stream-controls");
const blocksEl = (page: Page) => page.locator(".blocks");
const framesShown = async (page: Page) => Number(await streamEl(page).getAttribute("data-frames"));

/**
 * Waits until the shown output frame satisfies `check`. A frame replaced while it is being
 * read (many times a second) fails to decode; the poll then reads the next one.
 */
async function expectFrame(image: Locator, check: (h: { top: number; bottom: number }) => boolean, what: string) {
  const read = () => halves(image).then(check, () => false);
  await expect.poll(read, { message: what, timeout: 5_000 }).toBe(true);
}

test("/flip shows the camera upside down, many frames a second, and Stop releases the camera", async ({ page }) => {
  await open(page, "/flip");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(streamEl(page)).toHaveAttribute("data-stream", "streaming");
  const flipped = page.getByRole("img", { name: "flipped" });
  await expect.poll(() => framesShown(page)).toBeGreaterThan(3);
  await expectFrame(flipped, (h) => h.top < 60 && h.bottom > 180, "dark top, bright bottom: upside down");
  await expect(page.getByText(/\d+ s left/)).toBeVisible();

  // stream_every is 1/30 s: several answers must arrive per second, not one.
  const before = await framesShown(page);
  await page.waitForTimeout(2_000);
  expect((await framesShown(page)) - before).toBeGreaterThanOrEqual(8);

  expect(await liveTracks(page)).toBe(1);
  // The stream's pictures are painted on a canvas, with no link to download one by.
  const output = page.locator("figure.image.output");
  await expect(output.locator("canvas")).toBeVisible();
  await expect(output.locator("img")).toBeHidden();
  await expect(page.getByRole("link", { name: "Download flipped" })).toBeHidden();
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(streamEl(page)).toHaveAttribute("data-stream", "off");
  expect(await liveTracks(page)).toBe(0);
  await expect(page.getByText(/\d+ s left/)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Start camera" })).toBeVisible();
  // Stopped, the last picture is the output's value: an image, still upside down, to download.
  await expect(output.locator("canvas")).toBeHidden();
  await expect(output.locator("img")).toHaveAttribute("src", /^blob:/);
  await expectFrame(flipped, (h) => h.top < 60 && h.bottom > 180, "the last picture kept");
  await expect(page.getByRole("link", { name: "Download flipped" })).toBeVisible();
});

test("/flip's pictures are decoded where the browser has no ImageDecoder too", async ({ page }) => {
  await page.addInitScript(() => delete (window as any).ImageDecoder);
  await open(page, "/flip");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect.poll(() => framesShown(page)).toBeGreaterThan(3);
  await expect(page.locator("figure.image.output canvas")).toBeVisible();
  await expectFrame(page.getByRole("img", { name: "flipped" }), (h) => h.top < 60 && h.bottom > 180, "upside down");
  await page.getByRole("button", { name: "Stop" }).click();
});

for (const processor of [true, false]) {
  const how = processor ? "in a worker, as the camera gives them" : "on the page, where the browser cannot in a worker";
  test(`/flip's frames are encoded ${how}`, async ({ page }) => {
    await page.addInitScript((processor) => {
      if (!processor) delete (window as any).MediaStreamTrackProcessor;
      const Original = window.Worker;
      (window as any).__workers = 0;
      (window as any).Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          (window as any).__workers += 1;
        }
      };
    }, processor);
    await open(page, "/flip");
    await page.getByRole("button", { name: "Start camera" }).click();
    await expect.poll(() => framesShown(page)).toBeGreaterThan(3);
    await expectFrame(page.getByRole("img", { name: "flipped" }), (h) => h.top < 60 && h.bottom > 180, "upside down");
    expect(await page.evaluate(() => (window as any).__workers)).toBe(processor ? 1 : 0);
    await page.getByRole("button", { name: "Stop" }).click();
    expect(await liveTracks(page)).toBe(0);
  });
}

test("/filters switches filters mid-stream, and its time limit ends the stream", async ({ page }) => {
  test.setTimeout(40_000);
  await open(page, "/filters");
  await page.getByRole("button", { name: "Start camera" }).click();
  const filtered = page.getByRole("img", { name: "filtered" });
  await expectFrame(filtered, (h) => h.top < 60 && h.bottom > 180, "flip: dark top");

  await page.getByRole("radio", { name: "grayscale" }).check();
  await expectFrame(filtered, (h) => h.top > 180 && h.bottom < 60, "grayscale: bright top, as the camera sees it");
  await page.getByRole("radio", { name: "edges" }).check();
  await expectFrame(filtered, (h) => h.top < 40 && h.bottom < 40, "edges: flat areas dark");
  expect(await liveTracks(page)).toBe(1);

  // The demo's time limit is 10 s: the stream ends on its own and says so.
  await expect(streamEl(page)).toHaveAttribute("data-stream", "ended", { timeout: 15_000 });
  await expect(page.getByRole("status")).toHaveText(
    "The stream reached its time limit of 10 s. Start the camera to stream again.",
  );
  expect(await liveTracks(page)).toBe(0);
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(streamEl(page)).toHaveAttribute("data-stream", "streaming");
});

test("a refused camera is explained, not a silent blank", async ({ page }) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
  });
  await page.goto("/flip");
  await expect(blocksEl(page)).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "Camera access was refused. Allow the camera for this site in the browser and try again.",
  );
  await expect(streamEl(page)).toHaveAttribute("data-stream", "failed");
  await expect(page.getByRole("button", { name: "Start camera" })).toBeVisible();
});

test("/mirror takes a webcam photo, then mirrors it on Submit", async ({ page }) => {
  await open(page, "/mirror");
  await page.getByRole("button", { name: "Use webcam" }).click();
  await page.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeVisible();
  expect(await liveTracks(page)).toBe(0);
  await page.getByRole("button", { name: "Submit" }).click();
  // Mirrored left-right, a top-bottom two-tone image stays as it is.
  await expectFrame(page.getByRole("img", { name: "mirrored" }), (h) => h.top > 180 && h.bottom < 60, "top still bright");
});
