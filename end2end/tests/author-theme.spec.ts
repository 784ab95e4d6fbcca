// An author's theme (`Registry::theme`; here `RHEO_THEME=ocean` and `RHEO_THEME_CSS`, on a
// demo server of its own behind a login): every page, the login page and "Use via API" too,
// links the one stylesheet that carries it; the primary colour is on the buttons, the author's
// CSS applies, and the page keeps AA contrast. A theme that does not exist stops the server at
// start, in words.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";

const server = join(__dirname, "../../target/release/rheo-demos");
const origin = "http://127.0.0.1:3471";
const [user, password] = ["ada", "theme-test-password"];

function start(env: Record<string, string>): ChildProcess {
  return spawn(server, [], { env: { ...process.env, RUST_LOG: "warn", RHEO_SERVER_PORT: "3471", ...env }, stdio: ["ignore", "ignore", "pipe"] });
}

test.describe("a themed server", () => {
  let themed: ChildProcess;

  test.beforeAll(async () => {
    const css = join(mkdtempSync(join(tmpdir(), "theme-")), "demo.css");
    writeFileSync(css, "h1 { letter-spacing: 0.2em; }\n");
    themed = start({ RHEO_THEME: "ocean", RHEO_THEME_CSS: css, RHEO_USERS: `${user}:${password}` });
    for (let i = 0; i < 200; i++) {
      if (await fetch(`${origin}/login`).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("the themed server did not start");
  });

  test.afterAll(() => {
    themed.kill();
  });

  test("its pages share the themed stylesheet, with the primary colour and the author's CSS", async ({ page }) => {
    await page.goto(`${origin}/greet`);
    const stylesheet = await page.locator('link[rel="stylesheet"]').getAttribute("href");
    expect(stylesheet).toMatch(/^\/pkg\/[0-9a-f]{16}\/rheo\.css$/);
    const css = await (await page.request.get(`${origin}${stylesheet}`)).text();
    expect(css).toContain("/* The theme: ocean */");
    expect(css).toContain("h1 { letter-spacing: 0.2em; }");
    // The login page (the server sent it: nothing is open before a login) links the same.
    await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
    await page.getByLabel("User name").fill(user);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
    expect(await page.locator('link[rel="stylesheet"]').getAttribute("href")).toBe(stylesheet);
    const submit = page.getByRole("button", { name: "Submit" });
    expect(await submit.evaluate((b) => getComputedStyle(b).backgroundColor)).toBe("rgb(37, 99, 235)");
    expect(await page.locator("h1").evaluate((h) => getComputedStyle(h).letterSpacing)).not.toBe("normal");
    expect(await submit.evaluate((b) => getComputedStyle(b).borderTopLeftRadius)).toBe("9px"); // ocean's 12 px, ¾ on buttons
    const { violations } = await new AxeBuilder({ page }).withTags(["wcag2aa"]).analyze();
    expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
    const api = await (await page.request.get(`${origin}/greet/api`)).text();
    expect(api).toContain(`href="${stylesheet}"`);
  });

  test("its login page speaks the browser's language, its mistakes too", async ({ browser }) => {
    const context = await browser.newContext({ locale: "de-DE" });
    const page = await context.newPage();
    await page.goto(`${origin}/greet`);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByRole("heading", { name: "Anmelden" })).toBeVisible();
    await page.getByLabel("Benutzername").fill(user);
    await page.getByLabel("Passwort").fill("wrong");
    await page.getByRole("button", { name: "Anmelden" }).click();
    await expect(page.getByRole("alert")).toHaveText("Benutzername oder Passwort ist falsch.");
    await context.close();
  });
});

test("a theme that does not exist stops the server at start, saying which there are", async () => {
  const wrong = start({ RHEO_THEME: "neon", RHEO_SERVER_PORT: "3472" });
  let said = "";
  wrong.stderr!.on("data", (chunk) => (said += chunk));
  const code = await new Promise((resolve) => wrong.on("exit", resolve));
  expect(code).not.toBe(0);
  expect(said).toContain('there is no theme named "neon": the themes are default, ocean, forest, mono');
});
