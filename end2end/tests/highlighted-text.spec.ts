// /tagger: a HighlightedText output, its spans coloured by label and its legend.
import { expect, type Locator, test } from "@playwright/test";

import { violationsIn } from "./axe";

test("tagged spans show their labels, and the legend lights one label's spans", async ({ page }) => {
  await page.goto("/tagger");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const tagged = page.getByRole("region", { name: "tagged" });
  await expect(tagged.getByText("No text yet")).toBeVisible();

  await page.getByLabel("text", { exact: true }).fill("On Friday 13 June, Grace Hopper met Ada. Then 2 more came.");
  await page.getByRole("button", { name: "Submit" }).click();
  const marks = tagged.locator("mark.hl");
  // Each label after its span, read out in brackets.
  await expect(marks).toHaveText(["Friday (date)", "13 (number)", "June (date)", "Grace Hopper (name)", "Ada (name)", "2 (number)"]);
  await expect(tagged.getByText("No text yet")).toBeHidden();
  await expect(tagged.locator(".hl-text")).toContainText("met");
  // One colour per label: the author's for names (`.color("name", "#ffd43b")`, a rule the server
  // adds to the stylesheet), the others by the order labels first appear.
  await expect(marks.nth(0)).toHaveClass(/hl-0/);
  await expect(marks.nth(1)).toHaveClass(/hl-1/);
  await expect(marks.nth(3)).toHaveClass(/hl-c-ffd43b/);
  const background = (element: Locator) => element.evaluate((e) => getComputedStyle(e).backgroundColor);
  const [date, number, name] = await Promise.all([0, 1, 3].map((i) => background(marks.nth(i))));
  expect(new Set([date, number, name]).size).toBe(3);
  expect(name).not.toBe("rgba(0, 0, 0, 0)");

  const legend = tagged.locator(".hl-legend button");
  await expect(legend).toHaveText(["date", "number", "name"]);
  expect(await background(legend.nth(2))).toBe(name);
  await legend.nth(2).hover();
  await expect(tagged.locator("mark.hl.dimmed")).toHaveCount(4);
  await expect(marks.nth(3)).not.toHaveClass(/dimmed/);
  await page.mouse.move(0, 0);
  await expect(tagged.locator("mark.hl.dimmed")).toHaveCount(0);
  // Pressed, it stays lit; pressed again, it lets go. The keyboard reaches it too.
  await legend.nth(1).focus();
  await page.keyboard.press("Enter");
  await expect(legend.nth(1)).toHaveAttribute("aria-pressed", "true");
  await legend.nth(1).blur();
  await expect(tagged.locator("mark.hl.dimmed")).toHaveCount(4);
  await legend.nth(1).click();
  await expect(legend.nth(1)).toHaveAttribute("aria-pressed", "false");
  await page.mouse.move(0, 0);
  await expect(tagged.locator("mark.hl.dimmed")).toHaveCount(0);
  expect(await violationsIn(page, ".highlightedtext")).toEqual([]);

  // A label pressed, then a text without it: nothing stays dimmed.
  await legend.nth(2).click();
  await page.getByLabel("text", { exact: true }).fill("Then 2 more came.");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(marks).toHaveText(["2 (number)"]);
  await expect(tagged.locator("mark.hl.dimmed")).toHaveCount(0);
});
