// /detect: an AnnotatedImage output, its regions drawn over the picture in their labels'
// colours, and a legend that lights one label's regions.
import { expect, test } from "@playwright/test";

import { violationsIn } from "./axe";

test("coloured shapes are boxed by colour, and the legend lights one label's boxes", async ({ page }) => {
  await page.goto("/detect");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const found = page.getByRole("figure", { name: "found" });
  await expect(found.getByText("No image yet")).toBeVisible();

  await page.getByRole("button", { name: /^Example 1:/ }).click();
  await page.getByRole("button", { name: "Submit" }).click();
  const legend = found.locator(".annotated-legend button");
  // Labels in the order their regions are first met, row by row; each swatch in its colour.
  await expect(legend).toHaveText(["red", "blue", "yellow", "green"]);
  await expect(legend.nth(0).locator("rect")).toHaveAttribute("fill", "#e03131");
  await expect(legend.nth(2).locator("rect")).toHaveAttribute("fill", "#f59f00");
  const masks = found.locator("img.annotated-mask");
  await expect(masks).toHaveCount(4);
  await expect(found.getByText("No image yet")).toBeHidden();
  // Each mask is a PNG of the picture's size laid over it, loaded.
  const sizes = await found.locator("img").evaluateAll((images) => images.map((i) => `${(i as HTMLImageElement).naturalWidth}x${(i as HTMLImageElement).naturalHeight}`));
  expect(sizes).toEqual(Array(5).fill("320x240"));
  const [base, mask] = await Promise.all([found.locator("img.annotated-base").boundingBox(), masks.nth(1).boundingBox()]);
  expect(mask).toEqual(base);

  await legend.nth(1).hover();
  await expect(found.locator("img.annotated-mask.dimmed")).toHaveCount(3);
  await expect(masks.nth(1)).not.toHaveClass(/dimmed/);
  await page.mouse.move(0, 0);
  await expect(found.locator("img.annotated-mask.dimmed")).toHaveCount(0);
  // Pressed, a label stays lit until pressed again.
  await legend.nth(3).click();
  await expect(legend.nth(3)).toHaveAttribute("aria-pressed", "true");
  await legend.nth(3).blur();
  await page.mouse.move(0, 0);
  await expect(found.locator("img.annotated-mask.dimmed")).toHaveCount(3);
  expect(await violationsIn(page, ".annotatedimage")).toEqual([]);
  await legend.nth(3).click();
  await page.mouse.move(0, 0);
  await expect(found.locator("img.annotated-mask.dimmed")).toHaveCount(0);

  // As masks: two red shapes, one label, a mask each.
  await page.getByRole("button", { name: /^Example 2:/ }).click();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(legend).toHaveText(["red"]);
  await expect(masks).toHaveCount(2);
});
