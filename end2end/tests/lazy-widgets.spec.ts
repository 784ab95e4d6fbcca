// The widgets only some pages show come in wasm chunks of their own: a page downloads the
// chunks of its widgets, and no others, before it hydrates.
import { expect, test, type Page } from "@playwright/test";

/** The names of the bundle's files the page fetched while loading `path` and hydrating. */
async function bundleFiles(page: Page, path: string): Promise<string[]> {
  const files: string[] = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.includes("/pkg/")) files.push(`${response.status()} ${url.pathname.split("/").pop()}`);
  });
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  return files;
}

test("a page of numbers loads the main module and no widget's chunk", async ({ page }) => {
  const files = await bundleFiles(page, "/calculator");
  expect(files).toContain("200 rheo.wasm");
  expect(files.filter((file) => /split_|chunk_/.test(file))).toEqual([]);
  await expect(page.locator('link[rel="preload"][href*="/split_"]')).toHaveCount(0);
  await page.getByLabel("num1", { exact: true }).fill("6");
  await page.getByLabel("num2", { exact: true }).fill("7");
  await page.getByRole("radio", { name: "multiply" }).check();
  await expect(page.getByLabel("output", { exact: true })).toHaveValue("42");
});

test("a page with a code editor loads the text widgets' chunk, not the chat's or the media's", async ({ page }) => {
  const files = await bundleFiles(page, "/format_json");
  expect(files).toContain("200 split_text_widgets.wasm");
  expect(files.filter((file) => /split_(chat|image|audio|file|pick)_widgets/.test(file))).toEqual([]);
  expect(files.filter((file) => !file.startsWith("200 "))).toEqual([]);
  // The page's HTML preloads the chunk, beside the main module, and the page takes the preload
  // rather than fetching it again.
  await expect(page.locator('link[rel="preload"][href$="/split_text_widgets.wasm"]')).toHaveCount(1);
  expect(files.filter((file) => file.endsWith(" split_text_widgets.wasm"))).toHaveLength(1);
  // Hydrated with its code: the editor highlights what is typed.
  await page.getByLabel("JSON", { exact: true }).fill("[1]");
  await expect(page.locator(".code.component .code-view .tok-n").first()).toHaveText("1");
});

test("a chunk that does not arrive is said at the top of the page, which stays as rendered", async ({ page }) => {
  await page.route("**/split_text_widgets.wasm", (route) => route.abort());
  await page.goto("/format_json");
  await expect(page.getByRole("alert").first()).toHaveText("Part of this page's code did not arrive: reload the page to try again.");
  await expect(page.locator(".blocks")).not.toHaveAttribute("data-hydrated", "true");
  // The server's page is still there to read.
  await expect(page.getByLabel("JSON", { exact: true })).toBeVisible();
});

test("a page whose widgets are in two chunks preloads the files they share once", async ({ page }) => {
  const files = await bundleFiles(page, "/chat");
  expect(files).toContain("200 split_chat_widgets.wasm");
  expect(files).toContain("200 split_file_widgets.wasm");
  expect(files.filter((file) => /split_(image|audio)_widgets/.test(file))).toEqual([]);
  expect(files.length).toBe(new Set(files).size);
  const preloads = await page.locator('link[rel="preload"]').evaluateAll((links) => links.map((link) => link.getAttribute("href")));
  expect(preloads.filter((href) => href?.endsWith("/split_chat_widgets.wasm") || href?.endsWith("/split_file_widgets.wasm"))).toHaveLength(2);
  expect(preloads.length).toBe(new Set(preloads).size);
});
