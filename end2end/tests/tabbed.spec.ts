import { expect, test } from "@playwright/test";

// /text_tools, a TabbedInterface: /greet and /word_count, a tab each, on one page.
test("a tabbed interface shows one interface per tab, each working as on its own page", async ({ page }) => {
  await page.goto("/text_tools");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const name = page.getByLabel("name", { exact: true });
  const text = page.getByLabel("text", { exact: true });
  await expect(name).toBeVisible();
  await expect(text).toBeHidden();

  await name.fill("Ada");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByLabel("greeting", { exact: true })).toHaveValue("Hello, Ada!");

  await page.getByRole("tab", { name: "Count words" }).click();
  await expect(name).toBeHidden();
  // The live one recomputes as it is typed into (once the typing pauses).
  await text.fill("one two two");
  await expect(page.locator(".component.markdown .markdown-body").getByRole("heading", { level: 2 })).toHaveText("3 words");
});
