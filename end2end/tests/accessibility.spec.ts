// axe-core on every page of the demos (the index, each demo, each demo's "Use via API" page):
// no serious or critical violation of WCAG 2.1 A and AA. Run once each page has hydrated, so
// that what is checked is what a person meets.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { demoPaths } from "./demos";

test("every demo page has no serious or critical accessibility violation", async ({ page }) => {
  test.setTimeout(180_000);
  const demos = await demoPaths(page);
  expect(demos.length).toBeGreaterThanOrEqual(15);
  const found: string[] = [];
  for (const path of ["/", ...demos, ...demos.map((demo) => `${demo}/api`)]) {
    await page.goto(path);
    const blocks = page.locator(".blocks");
    if (await blocks.count()) await expect(blocks).toHaveAttribute("data-hydrated", "true");
    const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      found.push(`${path}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
  }
  expect(found).toEqual([]);
});

test("every demo page keeps its contrast in the dark scheme too", async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: "dark" });
  const demos = await demoPaths(page);
  const found: string[] = [];
  for (const path of demos) {
    await page.goto(path);
    await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
    const { violations } = await new AxeBuilder({ page }).withRules(["color-contrast"]).analyze();
    for (const v of violations.filter((v) => v.impact === "serious" || v.impact === "critical")) {
      found.push(`${path}: ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
    }
  }
  expect(found).toEqual([]);
});

test("a chat with an answer, its thumbs and an open editor has no serious or critical violation", async ({ page }) => {
  await page.goto("/chat");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const box = page.getByLabel("Message", { exact: true });
  await box.fill("Who is Queequeg?");
  await box.press("Enter");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await page.getByRole("button", { name: "Like", exact: true }).click();
  await page.getByRole("button", { name: "Edit message" }).click();
  await expect(page.getByRole("textbox", { name: "Edit message" })).toBeFocused();
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`)).toEqual([]);
});
