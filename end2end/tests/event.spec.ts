// /event: a DateTime and a ColorPicker as inputs and as outputs.
import { expect, test, type Page } from "@playwright/test";

async function open(page: Page) {
  await page.goto("/event");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("a date and time and a colour are given, and a reminder and a text colour come back", async ({ page }) => {
  await open(page);
  const start = page.getByLabel("start", { exact: true });
  const colour = page.getByLabel("colour", { exact: true });
  // The starting values, in the browser's own inputs (Gradio's text is the wire's; Chromium
  // leaves out seconds that are zero).
  await expect(start).toHaveAttribute("type", "datetime-local");
  await expect(start).toHaveValue("2026-12-24T19:30");
  await expect(colour).toHaveValue("#ff8000");

  await page.getByLabel("title", { exact: true }).fill("Board meeting");
  await start.fill("2027-03-01T09:00:05");
  await colour.fill("#1c4a7a");
  await expect(page.locator("output[for='" + (await colour.getAttribute("id")) + "']")).toHaveText("#1c4a7a");
  const sent = page.waitForRequest((r) => r.url().endsWith("/event/run"));
  await page.getByRole("button", { name: "Submit" }).click();
  expect((await sent).postDataJSON().data.slice(1)).toEqual(["2027-03-01 09:00:05", "#1c4a7a"]);

  await expect(page.getByLabel("reminder", { exact: true })).toHaveValue("2027-02-28T09:00:05");
  const text = page.getByLabel("text colour", { exact: true });
  await expect(text).toHaveValue("#ffffff");
  await expect(text).toBeDisabled();
  await expect(page.getByRole("region", { name: "summary" })).toContainText("Board meeting starts on Monday 1 March 2027 at 09:00");

  // A time whose seconds are zero: Chromium's input leaves them out, the wire has them.
  await start.fill("2027-03-02T10:15");
  const again = page.waitForRequest((r) => r.url().endsWith("/event/run"));
  await page.getByRole("button", { name: "Submit" }).click();
  expect((await again).postDataJSON().data[1]).toBe("2027-03-02 10:15:00");
  await expect(page.getByLabel("reminder", { exact: true })).toHaveValue("2027-03-01T10:15");
});

test("an example fills the date and the colour; an emptied date is refused in words", async ({ page }) => {
  await open(page);
  await page.getByRole("button", { name: /^Example 2:/ }).click();
  await expect(page.getByLabel("start", { exact: true })).toHaveValue("2027-03-01T09:00");
  await expect(page.getByLabel("colour", { exact: true })).toHaveValue("#1c4a7a");

  await page.getByLabel("start", { exact: true }).fill("");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toHaveText("start: a value is required");
});
