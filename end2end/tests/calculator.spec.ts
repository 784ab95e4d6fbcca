import { expect, test, type Page } from "@playwright/test";

/** Opens the calculator and waits until hydration has attached its event handlers. */
async function openCalculator(page: Page) {
  await page.goto("/calculator");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

const num1 = (page: Page) => page.getByLabel("num1", { exact: true });
const num2 = (page: Page) => page.getByLabel("num2", { exact: true });
const output = (page: Page) => page.getByLabel("output", { exact: true });
const operation = (page: Page, name: string) =>
  page.getByRole("radiogroup", { name: "operation" }).getByRole("radio", { name });

test.describe("server-side rendering", () => {
  test.use({ javaScriptEnabled: false });

  test("the labelled form is in the HTML before any wasm runs", async ({ page, request }) => {
    const html = await (await request.get("/calculator")).text();
    expect(html).toContain('<label for="component-0">num1</label>');
    expect(html).toContain('<legend id="component-1-label">operation</legend>');
    expect(html).toContain('<label for="component-3">output</label>');

    await page.goto("/calculator");
    await expect(num1(page)).toBeVisible();
    await expect(num2(page)).toBeVisible();
    await expect(output(page)).toBeVisible();
    for (const op of ["add", "subtract", "multiply", "divide"]) {
      await expect(operation(page, op)).toBeVisible();
    }
    await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "false");
  });
});

test("the index lists the demos with their descriptions", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: "Calculator" })).toHaveAttribute("href", "/calculator");
  await expect(page.getByRole("link", { name: "Greeting" })).toBeVisible();
  await expect(page.getByText("A live calculator")).toBeVisible();
  await page.getByRole("link", { name: "Calculator" }).click();
  await expect(num1(page)).toBeVisible();
});

test("a live interface recomputes on every change with no Submit button", async ({ page }) => {
  await openCalculator(page);
  await expect(page.getByRole("button", { name: "Submit" })).toHaveCount(0);

  await num1(page).fill("3");
  await operation(page, "multiply").check();
  await num2(page).fill("4");
  await expect(output(page)).toHaveValue("12");

  await num2(page).fill("5");
  await expect(output(page)).toHaveValue("15");
  await operation(page, "add").check();
  await expect(output(page)).toHaveValue("8");
  await num1(page).fill("-2.5");
  await expect(output(page)).toHaveValue("2.5");
});

test("the last of 10 rapid changes is the one that stays", async ({ page }) => {
  await openCalculator(page);
  await operation(page, "multiply").check();
  await num2(page).fill("2");
  await expect(output(page)).toHaveValue("0");

  // Slow every call down so that changes pile up behind the one in flight.
  let calls = 0;
  await page.route("**/calculator/run", async (route) => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await route.continue();
  });
  for (let i = 1; i <= 10; i++) {
    await num1(page).fill(String(i));
  }
  await expect(output(page)).toHaveValue("20");
  // Let any straggler land: the final value must stay.
  await page.waitForTimeout(600);
  await expect(output(page)).toHaveValue("20");
  expect(calls).toBeGreaterThan(0);
  expect(calls).toBeLessThan(10); // the burst collapsed behind the call in flight
});

test("dividing by zero shows a clear error and the next input recovers", async ({ page }) => {
  await openCalculator(page);
  await num1(page).fill("7");
  await operation(page, "divide").check();
  await num2(page).fill("0");
  const alert = page.getByRole("alert");
  await expect(alert).toHaveText("Cannot divide by zero.");
  await expect(output(page)).toHaveValue("");

  await num2(page).fill("2");
  await expect(output(page)).toHaveValue("3.5");
  await expect(alert).toHaveCount(0);
});

test("a missing choice is explained in words", async ({ page }) => {
  await openCalculator(page);
  await num1(page).fill("1");
  await expect(page.getByRole("alert")).toHaveText("operation: a value is required");
});

test("clicking an example fills the inputs and recomputes", async ({ page }) => {
  await openCalculator(page);
  await page.getByRole("button", { name: /^Example 3:/ }).click();
  await expect(num1(page)).toHaveValue("144");
  await expect(operation(page, "multiply")).toBeChecked();
  await expect(num2(page)).toHaveValue("2.5");
  await expect(output(page)).toHaveValue("360");
});

test("an unknown demo is a 404 page", async ({ page }) => {
  const response = await page.goto("/no-such-demo");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("a component's info is shown under its label, and the footer leads to the API page", async ({ page }) => {
  await openCalculator(page);
  await expect(page.locator(".component", { has: num1(page) }).locator(".info")).toHaveText("The number on the left.");
  await page.getByRole("link", { name: "Use via API" }).click();
  await expect(page.getByRole("heading", { name: "Use Calculator via API" })).toBeVisible();
  await expect(page.locator('code[data-snippet="python"]')).toContainText('api_name="/calculator"');
  await page.getByRole("link", { name: "Calculator" }).click();
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
});
