import { expect, test } from "@playwright/test";

test("a non-live interface runs only on Submit, and Clear resets it", async ({ page }) => {
  let calls = 0;
  page.on("request", (r) => {
    if (r.url().endsWith("/greet/run")) calls += 1;
  });
  await page.goto("/greet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");

  const greeting = page.getByLabel("greeting", { exact: true });
  await page.getByLabel("name", { exact: true }).fill("Ada");
  await page.getByLabel("intensity", { exact: true }).fill("3");
  await page.getByLabel("shout", { exact: true }).check();
  await page.waitForTimeout(300);
  expect(calls).toBe(0);
  await expect(greeting).toHaveValue("");

  await page.getByRole("button", { name: "Submit" }).click();
  await expect(greeting).toHaveValue("HELLO, ADA!!!");
  expect(calls).toBe(1);

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByLabel("name", { exact: true })).toHaveValue("");
  await expect(page.getByLabel("shout", { exact: true })).not.toBeChecked();
  await expect(greeting).toHaveValue("");
});

test("a handler error is shown beside the outputs and the page keeps working", async ({ page }) => {
  await page.goto("/greet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please enter a name.");

  await page.getByRole("button", { name: /^Example 1:/ }).click();
  await expect(page.getByLabel("name", { exact: true })).toHaveValue("Ada");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByLabel("greeting", { exact: true })).toHaveValue("Hello, Ada!!!");
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("an over-long name is refused with the limit in words", async ({ page }) => {
  await page.goto("/greet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("name", { exact: true }).fill("x".repeat(101));
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toHaveText("name: the text is 101 characters long; the limit is 100");
});
