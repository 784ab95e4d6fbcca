// The webcam preview is a mirror by default (a switch turns it off) while the frames reach
// the handler as the camera sees them. The fake camera's left half is white.
import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, leftWhiteVideo, sides } from "../fixtures/media";

const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

const transform = (page: Page, name: string) =>
  page.getByLabel(name).evaluate((video) => getComputedStyle(video).transform);

test.use({ launchOptions: { executablePath, args: [...baseArgs, ...fakeMediaArgs(leftWhiteVideo())] } });

test("the preview is mirrored, the frames are not, and the switch turns the mirror off", async ({ page }) => {
  await open(page, "/flip");
  const preview = "webcam camera preview";
  expect(await transform(page, preview)).toBe("matrix(-1, 0, 0, 1, 0, 0)");
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.locator(".stream-controls")).toHaveAttribute("data-stream", "streaming");
  // /flip turns frames upside down only: a left-white frame stays left-white if not mirrored.
  const flipped = page.getByRole("img", { name: "flipped" });
  const unmirrored = () => sides(flipped).then((s) => s.left > 180 && s.right < 60, () => false);
  await expect.poll(unmirrored, { message: "the handler got the frame as the camera sees it" }).toBe(true);
  await page.getByLabel("Mirror preview").uncheck();
  expect(await transform(page, preview)).toBe("none");
  await expect.poll(unmirrored).toBe(true);
  await page.getByRole("button", { name: "Stop" }).click();
});
