import { expect, test, type Page } from "@playwright/test";

async function open(page: Page) {
  await page.goto("/files");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

const picker = (page: Page) => page.getByLabel("Drop files here, or choose them");

test("files are chosen, described on Submit, and the report downloads", async ({ page }) => {
  await open(page);
  await picker(page).setInputFiles([
    { name: "table.csv", mimeType: "text/csv", buffer: Buffer.from("fruit,price\napple,1\npear,2\n") },
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("three short words\n") },
  ]);
  const chosen = page.locator("fieldset.file.input ul.files li");
  await expect(chosen).toHaveText(["table.csv 27 B", "notes.txt 18 B"]);
  await page.getByRole("button", { name: "Submit" }).click();
  const description = page.getByRole("region", { name: "description" });
  await expect(description).toContainText("table.csv: a table of 2 rows and 2 columns, 27 bytes (text/csv)");
  await expect(description).toContainText("notes.txt: text of 1 line and 3 words, 18 bytes (text/plain)");

  const report = page.getByRole("link", { name: "report.csv" });
  const [downloaded] = await Promise.all([page.waitForEvent("download"), report.click()]);
  expect(downloaded.suggestedFilename()).toBe("report.csv");
  const rows = (await page.request.get((await report.getAttribute("href"))!).then((r) => r.text())).trim().split("\n");
  expect(rows).toHaveLength(3);
  expect(rows[1]).toMatch(/^"table.csv","text\/csv",27,/);

  // Remove takes every chosen file away, and the button goes with them.
  await page.getByRole("button", { name: "Remove files" }).click();
  await expect(chosen).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove files" })).toBeHidden();
});

test("a file whose content is not an allowed kind is refused in words, whatever its name", async ({ page }) => {
  await open(page);
  await picker(page).setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from([0x93, 0xff, 0, 0x81]) });
  await expect(page.locator("fieldset.file.input ul.files li")).toHaveText(["photo.png 4 B"]);
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toContainText(
    '"photo.png" is application/octet-stream, not one of the kinds of file this input takes: image, text, .pdf',
  );
});

test("an example's files fill the input and are described", async ({ page }) => {
  await open(page);
  await page.getByRole("button", { name: /fruit\.csv, poem\.txt/ }).click();
  await expect(page.locator("fieldset.file.input ul.files li")).toHaveText([/^fruit\.csv/, /^poem\.txt/]);
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("region", { name: "description" })).toContainText("fruit.csv: a table of 2 rows and 3 columns");
});
