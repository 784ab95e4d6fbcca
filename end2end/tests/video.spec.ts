import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, liveTracks, twoToneVideo, watchDevices } from "../fixtures/media";

// Chromium's fake camera (640x480, white top and black bottom) and its fake microphone.
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMediaArgs(twoToneVideo())],
  },
});

// Chromium's own recording of its fake camera: 1.5 s at 320x240, H.264 with Opus sound.
const recording = readFileSync(join(__dirname, "..", "..", "server", "tests", "fixtures", "webcam-h264.mp4"));

async function open(page: Page) {
  await watchDevices(page);
  await page.goto("/turn");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

/** A video's size as the player shows it (after the turn its track header asks for). */
const shownSize = (video: Locator) =>
  video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<string>((resolve) => {
        const size = () => resolve(`${v.videoWidth}x${v.videoHeight}`);
        if (v.readyState >= 1) size();
        else v.addEventListener("loadedmetadata", size, { once: true });
      }),
  );

const chosen = (page: Page) => page.locator('video[aria-label="video (chosen)"]');
const turned = (page: Page) => page.locator('video[aria-label="turned"]');
const said = (page: Page) => page.getByLabel("what it is");

test("an uploaded MP4 comes back a quarter turn, to play and to download", async ({ page }) => {
  await open(page);
  await page.getByLabel("Drop a video here, or choose one (MP4, WebM)").setInputFiles({
    name: "clip.mp4",
    mimeType: "video/mp4",
    buffer: recording,
  });
  await expect(chosen(page)).toHaveAttribute("src", /\/file=/);
  expect(await shownSize(chosen(page))).toBe("320x240");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(said(page)).toHaveValue("1.5 s of 320×240 MP4, with sound; it now plays turned 90° from how it was recorded");
  expect(await shownSize(turned(page))).toBe("240x320");
  const download = page.getByRole("link", { name: "Download turned" });
  const served = await page.request.get((await download.getAttribute("href"))!);
  expect(served.headers()["content-type"]).toBe("video/mp4");
  expect((await served.body()).length).toBe(recording.length);
});

test("a webcam recording, with its sound, is uploaded as MP4 and turned; the camera is released", async ({ page }) => {
  await open(page);
  const recorder = page.locator(".recorder");
  await page.getByRole("button", { name: "Use webcam" }).click();
  await expect(recorder).toHaveAttribute("data-webcam", "ready");
  expect(await liveTracks(page)).toBe(2); // the camera and its microphone
  await page.getByRole("button", { name: "Record", exact: true }).click();
  await expect(recorder).toHaveAttribute("data-webcam", "recording");
  await page.waitForTimeout(1500);
  await page.getByRole("button", { name: "Stop recording" }).click();
  await expect(recorder).toHaveAttribute("data-webcam", "off");
  await expect(chosen(page)).toHaveAttribute("src", /\/file=/);
  expect(await liveTracks(page)).toBe(0);
  expect(await shownSize(chosen(page))).toBe("640x480");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(said(page)).toHaveValue(/^1\.\d s of 640×480 MP4, with sound; it now plays turned 90°/);
  expect(await shownSize(turned(page))).toBe("480x640");
});

test("the example shows its first frame and fills the input; a WebM is refused in words", async ({ page }) => {
  await open(page);
  const example = page.getByRole("button", { name: /webcam\.mp4/ });
  await expect(example.locator("video.example-thumb")).toHaveAttribute("src", /\/file=/);
  await example.click();
  await expect(chosen(page)).toHaveAttribute("src", /\/file=/);
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(said(page)).toHaveValue(/^1\.5 s of 320×240 MP4/);

  const webm = readFileSync(join(__dirname, "..", "..", "server", "tests", "fixtures", "webcam-vp8.webm"));
  await page.getByLabel("Drop a video here, or choose one (MP4, WebM)").setInputFiles({
    name: "clip.webm",
    mimeType: "video/webm",
    buffer: webm,
  });
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Only an MP4 turns" })).toContainText("1.4 s of 320×240 WebM");
});
