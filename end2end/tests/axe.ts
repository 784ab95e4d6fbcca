import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** Serious or critical axe violations (WCAG 2.1 A and AA) inside `selector`, in the light
 * scheme and the dark. */
export async function violationsIn(page: Page, selector: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).include(selector).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    found.push(...violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${colorScheme}: ${v.id} ${v.nodes.map((n) => n.target).join(" ")}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}
