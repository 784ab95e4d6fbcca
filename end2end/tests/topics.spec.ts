// A batched handler (`rheo::Batch`), on /topics: the page calls it as any other, and calls that
// come together (here from @gradio/client in the test) each get their own answer.
import { Client } from "@gradio/client";
import { expect, test } from "@playwright/test";

test("a text typed and submitted gets its topic; a cached example shows its topic on the click", async ({ page }) => {
  await page.goto("/topics");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("text", { exact: true }).fill("guitar and drums at the concert");
  await page.getByRole("button", { name: "Submit" }).click();
  const topic = page.locator(".component.label .top-class");
  await expect(topic).toHaveText("music");
  // The examples' answers are kept (computed before the server served): the click shows one.
  await page.getByRole("button", { name: /Bake the bread/ }).click();
  await expect(page.getByLabel("text", { exact: true })).toHaveValue(/^Bake the bread/);
  await expect(topic).toHaveText("food");
});

test("@gradio/client's calls made together each get their own topic", async () => {
  const app = await Client.connect("http://127.0.0.1:3000/topics/");
  const texts: [string, string][] = [
    ["a goal in the last minute of the match", "sport"],
    ["a recipe for sweet bread", "food"],
    ["the physics experiment in the laboratory", "science"],
    ["a flight to the island, then a train to the mountain", "travel"],
  ];
  const calls = Array.from({ length: 5 }, () => texts).flat();
  const answers = await Promise.all(calls.map(([text]) => app.predict("/topics", [text])));
  expect(answers.map((answer) => (answer.data as { label: string }[])[0].label)).toEqual(calls.map(([, topic]) => topic));
});
