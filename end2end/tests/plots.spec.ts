// /signal: a LinePlot (three series) and a ScatterPlot; /summary: a BarPlot of the means. Each
// an SVG drawn from the data, its marks telling their values to a pointer and to the keyboard.
import { expect, test } from "@playwright/test";

import { violationsIn } from "./axe";

test("a line plot draws a line per series with a legend, and a scatter plot a dot per row", async ({ page }) => {
  await page.goto("/signal");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const lines = page.getByRole("region", { name: "over time" });
  await expect(lines.locator(".plot-empty")).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(lines.locator("path.plot-line")).toHaveCount(3);
  await expect(lines.locator(".plot-legend li")).toHaveText(["signal", "measured", "smoothed"]);
  await expect(lines.locator(".plot-empty")).toBeHidden();
  // Each series in its own colour, the legend's swatch in the line's.
  const strokes = await lines.locator("path.plot-line").evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
  expect(new Set(strokes).size).toBe(3);
  const swatch = await lines.locator(".plot-swatch").first().evaluate((s) => getComputedStyle(s).backgroundColor);
  expect(swatch).toBe(strokes[0]);
  // 300 points: drawn, each with its title, and one stop for the keyboard, whose arrows and
  // End reach every point.
  await expect(lines.locator("circle.plot-mark")).toHaveCount(300);
  await expect(lines.locator('circle.plot-mark[tabindex="0"]')).toHaveCount(1);
  await expect(lines.locator("circle.plot-mark title").first()).toHaveText("t: 0, value: 0, series: signal");
  await lines.locator("circle.plot-mark").first().focus();
  await page.keyboard.press("End");
  await expect(lines.locator("circle.plot-mark").last()).toBeFocused();
  await expect(lines.locator("circle.plot-mark").last()).toHaveAttribute("tabindex", "0");
  await expect(lines.locator("text.plot-title-axis").first()).toHaveText("time (s)");
  // Round ticks along the time axis: 0 to 2 seconds.
  const ticks = await lines.locator("text.plot-tick[text-anchor=middle]").allTextContents();
  expect(ticks[0]).toBe("0.0");
  expect(ticks.at(-1)).toBe("2.0");

  const dots = page.getByRole("region", { name: "measured against the signal" });
  await expect(dots.locator("circle.plot-mark")).toHaveCount(100);
  await expect(dots.locator("path")).toHaveCount(0);
  // Tab reaches the chart's marks once; each mark's name says its values; an arrow moves on.
  const first = dots.locator("circle.plot-mark").first();
  await first.focus();
  await expect(first).toBeFocused();
  await expect(first).toHaveAccessibleName(/^signal: 0, measured: -?\d/);
  await page.keyboard.press("ArrowRight");
  await expect(dots.locator("circle.plot-mark").nth(1)).toBeFocused();
  await expect(first).toHaveAttribute("tabindex", "-1");
  await page.keyboard.press("ArrowLeft");
  await expect(first).toBeFocused();
  await page.keyboard.press("End");
  await page.keyboard.press("Home");
  await expect(first).toBeFocused();
  // The chart says how, in its <desc>: Chromium's accessibility tree (which Playwright's own
  // reckoning of descriptions does not follow for SVG) gives it as the group's description.
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const group = nodes.find((node) => node.role?.value === "group" && node.name?.value === "measured against the signal");
  expect(group?.description?.value).toBe("The arrow keys move between the marks.");
  expect(await violationsIn(page, ".plot.component")).toEqual([]);

  // Another frequency, another drawing.
  const before = await lines.locator("path.plot-line").first().getAttribute("d");
  await page.getByRole("slider", { name: "frequency (Hz)" }).fill("4");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(lines.locator("path.plot-line").first()).not.toHaveAttribute("d", before!);
});

test("a bar plot sums by name from zero, a bar each, its title and name its values", async ({ page }) => {
  await page.goto("/summary");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Submit" }).click();
  const means = page.getByRole("region", { name: "means" });
  // Columns of text have no mean: only January's and July's bars.
  await expect(means.locator("rect.plot-mark")).toHaveCount(2);
  const bars = means.locator("rect.plot-mark");
  await expect(bars.nth(0)).toHaveAccessibleName("column: january, mean: 10.07");
  await expect(bars.nth(1)).toHaveAccessibleName("column: july, mean: 21.9");
  await expect(bars.nth(0).locator("title")).toHaveText("column: january, mean: 10.07");
  const [january, july] = [await bars.nth(0).boundingBox(), await bars.nth(1).boundingBox()];
  // Both stand on the same baseline, July's the taller.
  expect(Math.abs(january!.y + january!.height - (july!.y + july!.height))).toBeLessThan(1);
  expect(july!.height).toBeGreaterThan(january!.height * 2);
  await expect(means.locator(".plot-legend")).toHaveCount(0);
  await expect(means.locator("text.plot-tick[text-anchor=middle]")).toHaveText(["january", "july"]);
  await bars.nth(1).focus();
  await expect(bars.nth(1)).toBeFocused();
  expect(await violationsIn(page, ".plot.component")).toEqual([]);
});
