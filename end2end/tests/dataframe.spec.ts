// /summary: an editable Dataframe in (the cities' temperatures), a Dataframe out (each column's
// count, mean, least and greatest) whose columns sort by their header.
import { expect, test, type Locator } from "@playwright/test";

import { violationsIn } from "./axe";

/** The table's body as text, a row an array of its cells' texts (or their inputs' values). */
async function cells(table: Locator): Promise<string[][]> {
  return table.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) =>
      Array.from(row.querySelectorAll("td"))
        .filter((cell) => !cell.querySelector("button"))
        .map((cell) => {
          const input = cell.querySelector("input");
          if (!input) return cell.textContent ?? "";
          return input.type === "checkbox" ? String(input.checked) : input.value;
        }),
    ),
  );
}

test("a table is edited cell by cell, grows and shrinks, and its summary sorts by a column", async ({ page }) => {
  await page.goto("/summary");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const input = page.getByRole("region", { name: "table" });
  expect(await cells(input)).toEqual([
    ["Oslo", "-2.9", "17.7", "true"],
    ["Madrid", "6.3", "25.6", "false"],
    ["Cairo", "14", "28", "false"],
    ["Lima", "22.9", "16.3", "true"],
  ]);

  // A number typed into a number column is sent as a number; a cell left empty is nothing.
  await input.getByRole("textbox", { name: "january, row 1" }).fill("-15.4");
  await input.getByRole("textbox", { name: "january, row 1" }).press("Tab");
  // The edit keeps the keyboard where it went: the next cell.
  await expect(input.getByRole("textbox", { name: "july, row 1" })).toBeFocused();
  await input.getByRole("button", { name: "Add row" }).click();
  await expect(input.locator("tbody tr")).toHaveCount(5);
  await input.getByRole("textbox", { name: "city, row 5" }).fill("Quito");
  await input.getByRole("textbox", { name: "january, row 5" }).fill("14.5");
  await input.getByRole("checkbox", { name: "coast, row 5" }).check();
  await input.getByRole("button", { name: "Remove row 2" }).click();
  await expect(input.locator("tbody tr")).toHaveCount(4);
  await input.getByRole("button", { name: "Add column" }).click();
  await input.getByRole("textbox", { name: "Name of column 5" }).fill("notes");
  await input.getByRole("textbox", { name: "Name of column 5" }).press("Tab");
  await expect(input.getByRole("textbox", { name: "notes, row 1" })).toBeVisible();
  expect(await cells(input)).toEqual([
    ["Oslo", "-15.4", "17.7", "true", ""],
    ["Cairo", "14", "28", "false", ""],
    ["Lima", "22.9", "16.3", "true", ""],
    ["Quito", "14.5", "", "true", ""],
  ]);

  await page.getByRole("button", { name: "Submit" }).click();
  const output = page.getByRole("region", { name: "summary" });
  const summary = [
    ["city", "4", "", "", ""],
    ["january", "4", "9", "-15.4", "22.9"],
    ["july", "3", "20.67", "16.3", "28"],
    ["coast", "4", "", "", ""],
    ["notes", "0", "", "", ""],
  ];
  await expect(output.locator("tbody tr")).toHaveCount(5);
  expect(await cells(output)).toEqual(summary);

  // Sorting shows the rows in another order (numbers by value: 9 before 20.67), says so in
  // aria-sort, and leaves the value alone.
  const mean = output.getByRole("button", { name: "mean" });
  await mean.click();
  await expect(output.getByRole("columnheader", { name: "mean" })).toHaveAttribute("aria-sort", "ascending");
  expect((await cells(output)).map((row) => row[0])).toEqual(["january", "july", "city", "coast", "notes"]);
  await mean.press("Enter");
  await expect(output.getByRole("columnheader", { name: "mean" })).toHaveAttribute("aria-sort", "descending");
  expect((await cells(output)).map((row) => row[0])).toEqual(["july", "january", "city", "coast", "notes"]);
  await mean.click();
  await expect(output.getByRole("columnheader", { name: "mean" })).toHaveAttribute("aria-sort", "none");
  expect(await cells(output)).toEqual(summary);
  expect(await violationsIn(page, ".dataframe.component")).toEqual([]);
});

test("text in a number column stays text, the last row stays, and the page loads the table's chunk only", async ({ page }) => {
  const files: string[] = [];
  page.on("response", (response) => files.push(new URL(response.url()).pathname.split("/").pop()!));
  await page.goto("/summary");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  expect(files).toContain("split_table_widgets.wasm");
  expect(files.filter((file) => /split_(chat|image|audio|file|pick|text)_widgets/.test(file))).toEqual([]);
  const input = page.getByRole("region", { name: "table" });
  for (let row = 4; row > 1; row--) await input.getByRole("button", { name: `Remove row ${row}` }).click();
  // The last row stays: a table keeps one to edit.
  await expect(input.getByRole("button", { name: /^Remove row/ })).toHaveCount(0);
  await input.getByRole("textbox", { name: "january, row 1" }).fill("not a number");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("region", { name: "summary" }).locator("tbody tr")).toHaveCount(4);
  // Text in a number column stays text: the column is then not summarised as numbers.
  expect((await cells(page.getByRole("region", { name: "summary" })))[1]).toEqual(["january", "1", "", "", ""]);
});

test("an example table shows its headers and first rows, and fills the input with all of them", async ({ page }) => {
  await page.goto("/summary");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const examples = page.getByRole("region", { name: "Examples" });
  const south = examples.getByRole("button", { name: /^Example 2:/ });
  // The headers, three rows, and how many more, a line each: not the table's JSON.
  const shown = await south.locator(".example-lines").evaluate((cell) => {
    const copy = cell.cloneNode(true) as Element;
    copy.querySelector(".said")?.remove(); // said to a screen reader, not shown
    return copy.textContent ?? "";
  });
  expect(shown.split("\n")).toEqual([
    "city · january · july · coast",
    "Sydney · 23 · 13.1 · true",
    "Nairobi · 19.8 · 16.9 · false",
    "Santiago · 21.1 · 8.6 · false",
    "… 2 more rows",
  ]);
  await expect(south).not.toContainText("headers");

  await south.click();
  const input = page.getByRole("region", { name: "table" });
  await expect
    .poll(async () => (await cells(input)).map((row) => row[0]))
    .toEqual(["Sydney", "Nairobi", "Santiago", "Cape Town", "Buenos Aires"]);
  await page.getByRole("button", { name: "Submit" }).click();
  const output = page.getByRole("region", { name: "summary" });
  await expect(output.locator("tbody tr").nth(1)).toContainText("january");
  expect((await cells(output))[1]).toEqual(["january", "5", "22.06", "19.8", "24.9"]);
  expect(await violationsIn(page, ".examples")).toEqual([]);
});
