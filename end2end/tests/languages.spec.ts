// Languages: every page speaks the browser's first language the server has (its
// Accept-Language, which Chromium's locale sets): Rheo's own words from the shipped tables, the
// author's by the phrases they gave (the demos translate the calculator into French), and
// English when the server has none of the browser's languages. With RHEO_SCREENSHOTS set, the
// calculator is photographed in English and French, light and dark, into docs/screenshots.
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, Page, test } from "@playwright/test";
import { redSquare } from "./pictures";

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa"]).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

test.describe("a French browser", () => {
  test.use({ locale: "fr-FR" });

  test("gets Rheo's words in French, before and after hydration, and the author's phrases", async ({ page }) => {
    await open(page, "/greet");
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.locator('meta[name="rheo-words"]')).toHaveCount(1);
    await expect(page.getByRole("link", { name: "Toutes les démos" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Utiliser via l'API" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Thème sombre" })).toBeVisible();
    await expect(page.getByRole("region", { name: "Entrées" })).toBeVisible();
    // Rheo's Submit, in French, runs the call; the handler's words are the author's.
    await page.getByLabel("name", { exact: true }).fill("Ada");
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.getByLabel("greeting", { exact: true })).toHaveValue(/^Hello, Ada/);
    await page.getByRole("button", { name: "Effacer" }).click();
    await expect(page.getByLabel("name", { exact: true })).toHaveValue("");
    expect(await seriousViolations(page)).toEqual([]);

    // The calculator's own words, in the phrases its author gave.
    await open(page, "/calculator");
    await expect(page).toHaveTitle("Calculatrice");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Calculatrice");
    await expect(page.getByText("Le nombre de gauche.")).toBeVisible();
    await expect(page.getByRole("radiogroup", { name: "opération" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Exemples" })).toBeVisible();
    await page.getByRole("button", { name: /^Exemple 1 :/ }).click();
    await expect(page.getByLabel("résultat", { exact: true })).toHaveValue("48");
  });

  test("gets a toast made in the browser, the API page and a missing page in French", async ({ page }) => {
    await open(page, "/classify");
    await page.getByLabel("Déposez une image ici, ou choisissez un fichier").setInputFiles({
      name: "red.png",
      mimeType: "image/png",
      buffer: await redSquare(page, 80),
    });
    await page.getByRole("button", { name: "Envoyer" }).click();
    await expect(page.locator(".top-class")).toHaveText("red");
    await page.getByRole("button", { name: "Signaler comme Good example" }).click();
    await expect(page.locator(".toast")).toContainText("Signalé : enregistré pour examen par l'auteur.");

    await page.goto("/calculator/api");
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Utiliser Calculatrice via l'API");
    await expect(page.getByRole("columnheader", { name: "Paramètre" }).first()).toBeVisible();

    await page.goto("/no-such-demo");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Introuvable");
    await expect(page.getByRole("link", { name: "Voir toutes les démos." })).toBeVisible();
  });
});

test.describe("a Japanese browser", () => {
  test.use({ locale: "ja-JP" });

  test("gets the file widget's words in Japanese", async ({ page }) => {
    await open(page, "/files");
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    await expect(page.getByText("ここにファイルをドロップするか、ファイルを選択してください").first()).toBeVisible();
    await expect(page.getByRole("button", { name: "送信" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
});

test.describe("a browser in a language the server lacks", () => {
  test.use({ locale: "ko-KR" });

  test("gets English", async ({ page }) => {
    await open(page, "/greet");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("button", { name: "Submit" })).toBeVisible();
    // English is built into the page: no table is sent for it.
    await expect(page.locator('meta[name="rheo-words"]')).toHaveCount(0);
  });
});

for (const locale of ["en-US", "fr-FR"]) {
  test.describe(`the calculator photographed (${locale})`, () => {
    test.use({ locale, viewport: { width: 1100, height: 760 } });
    test.skip(!process.env.RHEO_SCREENSHOTS, "RHEO_SCREENSHOTS writes the docs' screenshots");

    test("in light and dark", async ({ page }) => {
      for (const scheme of ["light", "dark"] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await open(page, "/calculator");
        await page.getByRole("button", { name: /^Ex[ae]mple 1/ }).click();
        await expect(page.locator("input[type=number]").last()).toHaveValue("48");
        const file = `calculator-${locale.slice(0, 2)}-${scheme}.png`;
        await page.screenshot({ path: join(__dirname, "..", "..", "docs", "screenshots", file), fullPage: true });
      }
    });
  });
}
