import { expect, test, type Page } from "@playwright/test";

// Texts that come from a handler or a visitor (error messages, file names) reach the page as
// text: markup in them is shown, never run. (Labels, titles, descriptions and examples are
// checked in the server-rendered HTML by server/tests/pages.rs; Markdown in word-count.spec.ts.)
// No spaces or quotes, so that a handler that splits words or quotes them echoes it whole.
const attack = "<img/src=x/onerror=window.__pwned=1></title></script><script>window.__pwned=2</script>";
const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("an error message that repeats the input shows its markup as text", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill(`C4 ${attack}`);
  await page.getByRole("button", { name: "Submit" }).click();
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(`"${attack}" is not a note`);
  await expect(alert.locator("img, script")).toHaveCount(0);
  expect(await pwned(page)).toBeUndefined();
});

test("an uploaded file's name is only ever text", async ({ page }) => {
  await open(page, "/mirror");
  const png = await page.evaluate(async () => {
    const canvas = Object.assign(document.createElement("canvas"), { width: 8, height: 8 });
    const blob = await new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), "image/png"));
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({
    name: `${attack}.png`,
    mimeType: "image/png",
    buffer: Buffer.from(png),
  });
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeVisible(); // uploaded
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("img", { name: "mirrored" })).toBeVisible();
  await expect(page.locator("img[src=x], script:not([nonce])")).toHaveCount(0);
  expect(await pwned(page)).toBeUndefined();
});
