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

test("the inputs and outputs are named regions; the outputs are read out, and busy while a call runs", async ({
  page,
}) => {
  await page.goto("/greet");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  const inputs = page.getByRole("region", { name: "Inputs" });
  const outputs = page.getByRole("region", { name: "Outputs" });
  await expect(inputs.getByLabel("name", { exact: true })).toBeVisible();
  await expect(outputs.getByLabel("greeting", { exact: true })).toBeVisible();
  await expect(inputs).not.toHaveAttribute("aria-live");
  await expect(outputs).toHaveAttribute("aria-live", "polite");
  await expect(outputs).toHaveAttribute("aria-busy", "false");

  // The answer is held back, so that the call is seen running.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/greet/run", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByLabel("name", { exact: true }).fill("Ada");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(outputs).toHaveAttribute("aria-busy", "true");
  release();
  await expect(outputs.getByLabel("greeting", { exact: true })).toHaveValue(/^Hello, Ada/);
  await expect(outputs).toHaveAttribute("aria-busy", "false");
});
