// Light and dark: the page follows the system's preference until the person uses the switch;
// the choice is a cookie the server reads, so the next page comes in that theme from its HTML.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

const background = (page: import("@playwright/test").Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

test.describe("a system that prefers dark", () => {
  test.use({ colorScheme: "dark" });

  test("the page is dark, with AA contrast; the switch makes it light, and the next page comes light", async ({ page, context }) => {
    for (const path of ["/calculator", "/chat", "/classify"]) {
      await page.goto(path);
      await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
      expect(await background(page)).toBe("rgb(13, 17, 23)");
      const { violations } = await new AxeBuilder({ page }).withTags(["wcag2aa"]).analyze();
      expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${path}: ${v.id}`)).toEqual([]);
    }
    const dark = page.getByRole("button", { name: "Dark theme" });
    await expect(dark).toHaveAttribute("aria-pressed", "true");
    await dark.click();
    await expect(dark).toHaveAttribute("aria-pressed", "false");
    expect(await background(page)).toBe("rgb(255, 255, 255)");
    expect((await context.cookies()).find((c) => c.name === "rheo-theme")?.value).toBe("light");
    // The server's HTML carries the choice: no script needed to show it.
    const html = await (await page.request.get("/calculator")).text();
    expect(html).toMatch(/<html lang="en" data-theme="light"/);
    expect(await (await page.request.get("/calculator/api")).text()).toMatch(/<html lang="en" data-theme="light">/);
    await page.goto("/");
    expect(await background(page)).toBe("rgb(255, 255, 255)");
    await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "false");
  });
});

test("on a light system the switch makes every page dark", async ({ page }) => {
  await page.goto("/greet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  expect(await background(page)).toBe("rgb(255, 255, 255)");
  const dark = page.getByRole("button", { name: "Dark theme" });
  await expect(dark).toHaveAttribute("aria-pressed", "false");
  await dark.click();
  expect(await background(page)).toBe("rgb(13, 17, 23)");
  await page.goto("/");
  expect(await background(page)).toBe("rgb(13, 17, 23)");
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");
});
