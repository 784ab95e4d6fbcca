// On a machine with two cameras, the person picks one, and the running one switches.
import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";

const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test.use({
  launchOptions: {
    executablePath,
    args: [...baseArgs, "--use-fake-device-for-media-stream=device-count=2", "--use-fake-ui-for-media-stream"],
  },
});

test("the person picks the camera, and the running one switches", async ({ page }) => {
  await open(page, "/mirror");
  await page.getByRole("button", { name: "Use webcam" }).click();
  const choice = page.getByLabel("Camera", { exact: true });
  await expect(choice.locator("option")).toHaveCount(2);
  const labels = await choice.locator("option").allTextContents();
  const running = () =>
    page.getByLabel("webcam preview").evaluate((video: HTMLVideoElement) => {
      const stream = video.srcObject as MediaStream | null;
      return stream?.getVideoTracks()[0]?.label ?? "";
    });
  await expect.poll(running).toBe(labels[0]);
  await choice.selectOption({ label: labels[1] });
  await expect.poll(running).toBe(labels[1]);
  await page.getByRole("button", { name: "Take photo" }).click();
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeVisible();
});
