import { expect, test, type Locator } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, fakeMicrophoneArgs, liveTracks, toneAudio, twoToneVideo, watchDevices } from "../fixtures/media";

// Chromium's fake camera plays a video whose top half is white and bottom half black; its fake
// microphone a steady 440 Hz tone of amplitude 0.37 (about -12 dB).
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMediaArgs(twoToneVideo()), ...fakeMicrophoneArgs(toneAudio(440))],
  },
});

/** The colours at two points near the bottom edge of the shown image, left and right. */
async function bottomCorners(image: Locator): Promise<number[][]> {
  // An output image, or the canvas that paints a stream's pictures.
  return image.evaluate(async (shown: HTMLImageElement | HTMLCanvasElement) => {
    if (shown instanceof HTMLImageElement) await shown.decode();
    const canvas = document.createElement("canvas");
    const [w, h] = (shown instanceof HTMLImageElement ? [shown.naturalWidth, shown.naturalHeight] : [shown.width, shown.height]);
    [canvas.width, canvas.height] = [w, h];
    const context = canvas.getContext("2d")!;
    context.drawImage(shown, 0, 0);
    const at = (x: number, y: number) => Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
    return [at(4, h - 4), at(w - 4, h - 4)];
  });
}

test("/watch sees and hears at once: the camera and the microphone stream together, each picture with its sound", async ({ page }) => {
  await watchDevices(page);
  await page.goto("/watch");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  // One control for both: the microphone has none of its own.
  await expect(page.getByRole("button", { name: "Record" })).toHaveCount(0);
  await page.getByRole("button", { name: "Start camera" }).click();
  const controls = page.locator(".stream-controls");
  await expect(controls).toHaveAttribute("data-stream", "streaming");
  await expect.poll(() => controls.getAttribute("data-frames").then(Number)).toBeGreaterThan(5);
  expect(await liveTracks(page), "the camera's track and the microphone's").toBe(2);
  await expect(page.getByRole("meter", { name: "Microphone level" })).toBeVisible();

  // Each picture came with its sound: the tone's loudness, and its meter drawn on the picture.
  const loudness = page.getByLabel("loudness (dB)", { exact: true });
  await expect.poll(async () => Number(await loudness.inputValue())).toBeGreaterThan(-20);
  expect(Number(await loudness.inputValue())).toBeLessThan(-5);
  const seen = page.getByRole("img", { name: "seen and heard" });
  const read = () => bottomCorners(seen).catch(() => [[0, 0, 0], [0, 0, 0]]);
  const green = ([r, g, b]: number[]) => g > 150 && r < 120 && b < 150;
  await expect.poll(async () => { const [left, right] = await read(); return green(left) && !green(right); }).toBe(true);
  // The sound as it is: noise suppression would take this steady tone for noise and turn it
  // down to -31 dB within 3 s.
  await page.waitForTimeout(4000);
  expect(Number(await loudness.inputValue())).toBeGreaterThan(-20);

  await page.getByRole("button", { name: "Stop" }).click();
  await expect(controls).toHaveAttribute("data-stream", "off");
  expect(await liveTracks(page)).toBe(0);
});
