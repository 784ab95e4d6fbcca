import { expect, test } from "@playwright/test";

// The Markdown and Json outputs in the page: formatted, safe, foldable.
test("Markdown is formatted and JSON is a foldable tree, as you type", async ({ page }) => {
  await page.goto("/word_count");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("text", { exact: true }).fill("The cat sat on the mat.\nThe mat");

  const report = page.locator(".component.markdown .markdown-body");
  await expect(report.getByRole("heading", { level: 2 })).toHaveText("8 words");
  await expect(report.locator("blockquote")).toHaveText("The cat sat on the mat.");
  await expect(report.locator("table tr").nth(1)).toHaveText(/the\s*3/);

  const counts = page.locator(".component.json .json-tree");
  await expect(counts).toContainText('"words": 8');
  await expect(counts).toContainText('"word": "the"');
  const top = counts.locator("details details").first();
  await expect(top).toHaveAttribute("open", "");
  await top.locator("summary").first().click();
  await expect(top).not.toHaveAttribute("open", "");
  await expect(top.locator(".json-children").first()).toBeHidden();
});

test("HTML a handler echoes into Markdown is shown as text, never run", async ({ page }) => {
  await page.goto("/word_count");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const attack = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>';
  await page.getByLabel("text", { exact: true }).fill(attack);
  const report = page.locator(".component.markdown .markdown-body");
  await expect(report.locator("blockquote")).toContainText('<img src=x onerror="window.__pwned = 1">');
  await expect(report.locator("img, script")).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("a live interface with a debounce recomputes once the typing pauses, not at each letter", async ({ page }) => {
  await page.goto("/word_count");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const runs: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/word_count/run")) runs.push(request.url());
  });
  // Twelve letters, 60 ms apart: under the demo's 300 ms pause each time.
  await page.getByLabel("text", { exact: true }).pressSequentially("one two four", { delay: 60 });
  const report = page.locator(".component.markdown .markdown-body");
  await expect(report.getByRole("heading", { level: 2 })).toHaveText("3 words");
  await page.waitForTimeout(600);
  expect(runs).toHaveLength(1);
});
