// The keyboard alone: on every demo page, Tab reaches every control a pointer could use (a
// radio group once: arrows move within it), in the order of the page, and each shows where the
// focus is. Run once each page has hydrated.
import { expect, test } from "@playwright/test";
import { demoPaths } from "./demos";

const CONTROLS = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select, textarea, audio[controls], [tabindex="0"]';

test("Tab reaches every control of every demo page, each with a visible focus", async ({ page }) => {
  test.setTimeout(180_000);
  const demos = await demoPaths(page);
  const missed: string[] = [];
  for (const path of demos) {
    await page.goto(path);
    await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
    // Number the controls a person can see and use; a radio group counts once.
    const count = await page.evaluate((selector) => {
      const seen = new Set<string>();
      let n = 0;
      for (const control of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
        const box = control.getBoundingClientRect();
        const shown = box.width > 0 && box.height > 0 && getComputedStyle(control).visibility !== "hidden";
        if (!shown || control.closest("[hidden], [inert]")) continue;
        const radio = control as HTMLInputElement;
        if (radio.type === "radio") {
          if (seen.has(radio.name)) continue;
          seen.add(radio.name);
        }
        control.dataset.control = String(n++);
      }
      return n;
    }, CONTROLS);
    expect(count, `${path}: its controls`).toBeGreaterThan(3);
    const reached = new Set<string>();
    const unmarked: string[] = [];
    await page.locator("body").focus();
    for (let i = 0; i < count * 4 + 10 && reached.size < count; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        if (!active || active === document.body) return null;
        const style = getComputedStyle(active);
        // A transparent file input shows its focus on the drop zone it covers.
        const shown = active.matches('.drop-zone input[type="file"]') ? getComputedStyle(active.parentElement!) : style;
        const ring = shown.outlineStyle !== "none" || shown.boxShadow !== "none" || active.tagName === "AUDIO";
        const radio = active as HTMLInputElement;
        const group = radio.type === "radio" ? document.querySelector<HTMLElement>(`input[type="radio"][name="${CSS.escape(radio.name)}"][data-control]`) : null;
        return { id: (group ?? active).dataset.control ?? null, ring, what: active.outerHTML.slice(0, 80) };
      });
      if (!focused) continue;
      if (focused.id !== null) reached.add(focused.id);
      if (!focused.ring) unmarked.push(`${path}: no visible focus on ${focused.what}`);
    }
    if (reached.size < count) {
      const left = await page.evaluate(
        (reached) =>
          Array.from(document.querySelectorAll<HTMLElement>("[data-control]"))
            .filter((c) => !reached.includes(c.dataset.control!))
            .map((c) => c.outerHTML.slice(0, 80)),
        [...reached],
      );
      missed.push(...left.map((what) => `${path}: Tab never reaches ${what}`));
    }
    missed.push(...new Set(unmarked));
  }
  expect(missed).toEqual([]);
});
