// /landscapes: a Gallery output, its captioned images in a grid, and a preview that the arrow
// keys move through and Escape closes.
import { expect, test } from "@playwright/test";

import { violationsIn } from "./axe";
import { solidPicture as solid } from "./pictures";

test("a gallery shows captioned images; one opens large and the arrow keys move through them", async ({ page }) => {
  await page.goto("/landscapes");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const gallery = page.getByRole("figure", { name: "landscapes" });
  await expect(gallery.getByText("No images yet")).toBeVisible();

  await page.getByLabel("prompt", { exact: true }).fill("snow at night");
  await page.getByLabel("images", { exact: true }).fill("3");
  await page.getByRole("button", { name: "Submit" }).click();
  const thumbs = gallery.locator(".gallery-grid button.thumb");
  await expect(thumbs).toHaveCount(3);
  await expect(gallery.locator(".gallery-grid .caption")).toHaveText([1, 2, 3].map((n) => `Night over snow, variation ${n}`));
  await expect(gallery.getByText("No images yet")).toBeHidden();
  // Each thumbnail has loaded a real image (a WebP the server stored), four to a row.
  const sizes = await thumbs.locator("img").evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth));
  expect(sizes).toEqual([192, 192, 192]);
  const boxes = await Promise.all([0, 1].map((i) => thumbs.nth(i).boundingBox()));
  expect(boxes[0]!.y).toBe(boxes[1]!.y);

  // The second opens large, named by its caption, with the focus for the keys.
  await thumbs.nth(1).click();
  const preview = gallery.locator(".gallery-preview");
  await expect(gallery.getByRole("group", { name: "Night over snow, variation 2" })).toBeVisible();
  await expect(preview).toBeFocused();
  await expect(preview.locator("img")).toHaveAttribute("alt", "Night over snow, variation 2");
  await expect(preview.getByText("2 / 3")).toBeVisible();
  await expect(thumbs.nth(1)).toHaveAttribute("aria-current", "true");
  expect(await violationsIn(page, ".gallery")).toEqual([]);
  await page.keyboard.press("ArrowRight");
  await expect(preview.getByText("3 / 3")).toBeVisible();
  await expect(gallery.getByRole("group", { name: "Night over snow, variation 3" })).toBeVisible();
  await page.keyboard.press("ArrowRight");
  await expect(preview.getByText("1 / 3")).toBeVisible();
  await page.keyboard.press("ArrowLeft");
  await expect(preview.getByText("3 / 3")).toBeVisible();
  const download = preview.getByRole("link", { name: "Download Night over snow, variation 3" });
  await expect(download).toHaveAttribute("download", /\.webp$/);
  // Escape closes it and gives the focus back to the image's thumbnail.
  await page.keyboard.press("Escape");
  await expect(preview).toBeHidden();
  await expect(thumbs.nth(2)).toBeFocused();
  // From the keyboard alone: Enter on a thumbnail opens it; Tab reaches its buttons.
  await page.keyboard.press("Enter");
  await expect(preview).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(gallery.getByRole("button", { name: "Previous image" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(preview.getByText("2 / 3")).toBeVisible();
  // Closed by its button, the preview gives the focus back to the thumbnail shown last.
  await gallery.getByRole("button", { name: "Close" }).click();
  await expect(preview).toBeHidden();
  await expect(thumbs.nth(1)).toBeFocused();

  // A new answer closes the preview of the old one.
  await thumbs.nth(0).click();
  await page.getByLabel("images", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(thumbs).toHaveCount(2);
  await expect(preview).toBeHidden();
});

// /contact_sheet: a Gallery input, images added by the picker and removed one by one.
test("images chosen into a gallery input are laid out on a sheet; each can be removed", async ({ page }) => {
  await page.goto("/contact_sheet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const input = page.getByRole("group", { name: "images" });
  const picker = page.getByLabel("Drop images here, or choose them");
  await picker.setInputFiles([
    { name: "red.png", mimeType: "image/png", buffer: await solid(page, 80, 60, "#dc1e28") },
    { name: "blue.png", mimeType: "image/png", buffer: await solid(page, 60, 80, "#1e5adc") },
  ]);
  const thumbs = input.locator(".gallery-grid button.thumb");
  await expect(thumbs).toHaveCount(2);
  // More are added to those held, not put in their place.
  await picker.setInputFiles({ name: "green.png", mimeType: "image/png", buffer: await solid(page, 40, 40, "#1edc5a") });
  await expect(thumbs).toHaveCount(3);
  await page.getByRole("button", { name: "Remove Image 2 of 3" }).click();
  await expect(thumbs).toHaveCount(2);
  await page.getByLabel("columns", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByLabel("what is on it")).toHaveValue("2 images on 1 row of 2: 1. (80×60), 2. (40×40)");
  const sheet = page.getByRole("img", { name: "contact sheet" });
  await expect(sheet).toHaveJSProperty("naturalWidth", 2 * 160 + 3 * 8);
  expect(await violationsIn(page, "figure.gallery.input")).toEqual([]);

  // Remove all empties it, and an empty gallery is taken as no images; the example fills it
  // with its captioned pictures.
  await page.getByRole("button", { name: "Remove images" }).click();
  await expect(thumbs).toHaveCount(0);
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByLabel("what is on it")).toHaveValue("No images: add some to the gallery.");
  await page.getByRole("button", { name: /poppies, leaf/ }).click();
  await expect(thumbs).toHaveCount(2);
  await expect(thumbs.first()).toHaveAccessibleName("poppies");
  await expect(thumbs.nth(1)).toHaveAccessibleName("leaf");
});
