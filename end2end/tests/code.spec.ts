// /format_json: a Code editor as the input and a Code view as the output.
import { expect, test } from "@playwright/test";

import { violationsIn } from "./axe";

test("code is highlighted as it is typed, formatted on Submit, and copied", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/format_json");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const editor = page.getByLabel("JSON", { exact: true });
  await editor.fill('{"b": [1, 2.5], "a": "é", "c": null}');
  // The highlighted copy under the textarea follows the typing, and covers the same box.
  const input = page.locator(".code.component", { has: editor });
  await expect(input.locator(".code-view .tok-s")).toHaveText(['"b"', '"a"', '"é"', '"c"']);
  await expect(input.locator(".code-view .tok-n")).toHaveText(["1", "2.5"]);
  await expect(input.locator(".code-view .tok-k")).toHaveText(["null"]);
  const [area, shown] = [await editor.boundingBox(), await input.locator(".code-view").boundingBox()];
  expect(Math.abs(area!.height - shown!.height)).toBeLessThan(2);
  expect(Math.abs(area!.width - shown!.width)).toBeLessThan(2);

  await page.getByRole("button", { name: "Submit" }).click();
  const output = page.getByRole("region", { name: "formatted" });
  const expected = '{\n  "a": "é",\n  "b": [\n    1,\n    2.5\n  ],\n  "c": null\n}';
  await expect(output.locator(".code-view")).toHaveText(expected + "\n");
  // Numbers for at least the lines asked for (eight); more as the code has more (below).
  await expect(output.locator(".code-lines")).toHaveText(Array.from({ length: 8 }, (_, i) => i + 1).join("\n"));
  await output.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
  expect(await violationsIn(page, ".code.component")).toEqual([]);

  await editor.fill('{\n  "a": 1,\n}');
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toContainText("This is not JSON: line 3, column 1:");
});

test("an example fills the editor, highlighted; line numbers grow with the code", async ({ page }) => {
  await page.goto("/format_json");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: /^Example 1:/ }).click();
  await page.getByRole("button", { name: "Submit" }).click();
  const lines = page.getByRole("region", { name: "formatted" }).locator(".code-lines");
  await expect(lines).toHaveText(Array.from({ length: 9 }, (_, i) => i + 1).join("\n"));

  await page.getByRole("button", { name: /^Example 2:/ }).click();
  await expect(page.getByLabel("JSON", { exact: true })).toHaveValue('[1, 2.5, {"b": 1, "a": "é"}]');
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("region", { name: "formatted" }).locator(".code-view")).toHaveText('[1,2.5,{"a":"é","b":1}]\n');
});
