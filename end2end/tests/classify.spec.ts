// What a call says besides its outputs, in the page: progress, the place in line, alerts as
// toasts; and what the person says back: a flag. On /classify (four stages of 150 ms, a
// warning under 64×64 pixels, flagging with two reasons), with its Markdown text.
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { redSquare } from "./pictures";

async function openWithImage(page: Page, side: number) {
  await page.goto("/classify");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({
    name: `red-${side}.png`,
    mimeType: "image/png",
    buffer: await redSquare(page, side),
  });
  await expect(page.getByRole("img", { name: "image (chosen)" })).toBeVisible();
}

test("the description and the article are Markdown, rendered", async ({ page }) => {
  await page.goto("/classify");
  await expect(page.locator(".description strong")).toHaveText("each stage");
  await expect(page.locator("article.article h3")).toHaveText("How it works");
  await expect(page.locator("article.article code")).toHaveText(".rheo/flagged/classify/");
});

test("a progress bar follows the stages and goes when the answer comes", async ({ page }) => {
  await openWithImage(page, 80);
  const status = page.locator(".call-status");
  const bar = status.locator("progress");
  const seen = new Set<string>();
  await page.getByRole("button", { name: "Submit" }).click();
  // Sample the bar while the call runs (4 × 150 ms): it fills with the handler's words.
  await expect
    .poll(async () => {
      const text = (await status.locator(".call-status-text").textContent()) ?? "";
      const value = await bar.evaluate((b: HTMLProgressElement) => (b.hasAttribute("value") ? b.value : -1));
      if (text) seen.add(`${text} ${value}`);
      return seen.has("classifying 2/4 0.5") || seen.has("classifying 3/4 0.75");
    }, { intervals: [20] })
    .toBe(true);
  await expect(page.locator(".top-class")).toHaveText("red");
  await expect(status).toBeHidden();
  await expect(page.locator(".toast")).toHaveCount(0); // a large enough image: no warning
});

/** /classify with its upload slowed by 1.5 s (a slow link), to `then` continue or fail it. */
async function slowUpload(page: Page, then: "continue" | "abort") {
  await page.goto("/classify");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const state = { uploaded: false, calls: 0 };
  page.on("request", (request) => {
    if (request.url().endsWith("/classify/run")) state.calls += 1;
  });
  await page.route("**/classify/gradio_api/upload", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await (then === "continue" ? route.continue() : route.abort());
    state.uploaded = true;
  });
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({
    name: "red.png",
    mimeType: "image/png",
    buffer: await redSquare(page, 80),
  });
  await expect(page.getByText("Uploading…")).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  expect(state.uploaded).toBe(false); // pressed while the upload was in flight
  return state;
}

test("Submit pressed while the image still uploads waits for it, then runs with it", async ({ page }) => {
  const state = await slowUpload(page, "continue");
  await expect(page.locator(".top-class")).toHaveText("red");
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(state.calls).toBe(1);
});

test("Submit pressed while an upload fails sends nothing; the failure is said under the input", async ({ page }) => {
  const state = await slowUpload(page, "abort");
  await expect(page.locator(".image.input .error")).toBeVisible();
  await expect(page.locator(".blocks")).toHaveAttribute("aria-busy", "false");
  expect(state.calls).toBe(0);
});

test("a warning is a toast that does not stop the call, and closes", async ({ page }) => {
  await openWithImage(page, 16);
  await page.getByRole("button", { name: "Submit" }).click();
  const toast = page.locator(".toast");
  await expect(toast).toHaveAttribute("data-level", "warning");
  await expect(toast).toContainText("Warning");
  await expect(toast).toContainText("The image is 16×16 pixels: below 64×64, the answer is a guess.");
  await expect(page.locator(".top-class")).toHaveText("red"); // the answer came all the same
  await toast.getByRole("button", { name: "Close" }).click();
  await expect(toast).toHaveCount(0);
});

test("a call behind another is told its place in line", async ({ page, context }) => {
  const other = await context.newPage();
  await openWithImage(other, 80);
  await openWithImage(page, 80);
  // The other page's call takes the one slot for 600 ms; this one waits behind it.
  await other.getByRole("button", { name: "Submit" }).click();
  await expect(other.locator(".call-status")).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.locator(".call-status-text")).toHaveText(/^Next in line( · about \d+ s)?$/);
  await expect(page.locator(".call-status-text")).toHaveText(/classifying/);
  await expect(page.locator(".call-status")).toBeHidden();
});

test("a flag saves the picture, the answer and the reason on the server", async ({ page }) => {
  await openWithImage(page, 80);
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.locator(".top-class")).toHaveText("red");
  const reason = "Wrong colour";
  await page.getByRole("button", { name: `Flag as ${reason}` }).click();
  await expect(page.locator(".toast")).toContainText("Flagged");
  // The demos keep their flags where the test command told them (RHEO_FLAGGING_DIR).
  const dir = join(__dirname, "..", "..", "target", "flagged", "classify");
  const csv = readFileSync(join(dir, "dataset.csv"), "utf8").trim().split("\n");
  expect(csv[0]).toBe("image,colour,reason,flagged_at");
  const last = csv[csv.length - 1];
  expect(last).toContain(`,${reason},`);
  const picture = last.split(",")[0];
  // Kept under its content's SHA-256: flagged again, the same picture is not copied again.
  expect(picture).toMatch(/^image\/[0-9a-f]{64}\/red-80\.png$/);
  expect(existsSync(join(dir, picture))).toBe(true);
  expect(last).toContain('""label"":""red""'); // the Label output, as JSON in its cell
});

test("example pictures show as thumbnails; a click fills the input", async ({ page }) => {
  await page.goto("/classify");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const thumbnails = page.getByRole("region", { name: "Examples" }).locator("img.example-thumb");
  await expect(thumbnails).toHaveCount(2);
  const widths = await thumbnails.evaluateAll((images: HTMLImageElement[]) =>
    Promise.all(images.map((img) => img.decode().then(() => img.naturalWidth))),
  );
  expect(widths).toEqual([96, 32]); // served by the server, decoded by the browser
  await page.getByRole("button", { name: /^Example 2: image / }).click();
  await expect(page.getByRole("img", { name: "image (chosen)" })).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.locator(".top-class")).toHaveText("green");
  await expect(page.locator(".toast")).toContainText("The image is 32×32 pixels");
  await page.getByRole("button", { name: /^Example 1: image / }).click();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.locator(".top-class")).toHaveText("red");
});
