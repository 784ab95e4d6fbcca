import type { Page } from "@playwright/test";

/** The path of every demo the index links to. */
export async function demoPaths(page: Page): Promise<string[]> {
  await page.goto("/");
  return page.locator("main a[href]").evaluateAll((links) => links.map((link) => new URL((link as HTMLAnchorElement).href).pathname));
}
