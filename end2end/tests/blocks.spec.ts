import { Client } from "@gradio/client";
import { expect, Page, test } from "@playwright/test";

// /workshop, a Blocks app: a row of a text and two buttons, tabs, a group, an accordion, a
// timer-driven status line (demos/src/workshop.rs).

async function open(page: Page) {
  await page.goto("/workshop");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("a row puts its columns side by side on a wide screen and wraps on a narrow one", async ({ page }) => {
  await page.setViewportSize({ width: 1200, height: 900 });
  await open(page);
  const text = page.getByLabel("text", { exact: true });
  const count = page.getByRole("button", { name: "Count words" });
  let [t, c] = [(await text.boundingBox())!, (await count.boundingBox())!];
  expect(c.x).toBeGreaterThan(t.x + t.width - 1);
  // The text's column has scale 3, the buttons' 1.
  expect(t.width).toBeGreaterThan(2 * c.width);

  await page.setViewportSize({ width: 380, height: 900 });
  [t, c] = [(await text.boundingBox())!, (await count.boundingBox())!];
  expect(c.y).toBeGreaterThan(t.y + t.height - 1);
});

test("two buttons run two functions of one text; the chained step runs after the first succeeds", async ({ page }) => {
  await open(page);
  await page.getByRole("button", { name: "Count words" }).click();
  await expect(page.getByLabel("words", { exact: true })).toHaveValue("10");
  const report = page.getByRole("region", { name: "report" });
  await expect(report).toContainText("10 words in 2 sentences: 5.0 words a sentence.");

  // The Shouted tab is hidden until chosen; its output was filled by the other button.
  const shouted = page.getByLabel("shouted", { exact: true });
  await expect(shouted).toBeHidden();
  await page.getByRole("button", { name: "Shout" }).click();
  await page.getByRole("tab", { name: "Shouted" }).click();
  await expect(shouted).toHaveValue("THE CAT SAT ON THE MAT. THE MAT WAS FLAT!");
  await expect(page.getByRole("tab", { name: "Shouted" })).toHaveAttribute("aria-selected", "true");
});

test("an example row fills its component, whose next run uses it", async ({ page }) => {
  await open(page);
  await page.getByRole("button", { name: "Example 2: text A rose is a rose is a rose. Is it?" }).click();
  await expect(page.getByLabel("text", { exact: true })).toHaveValue("A rose is a rose is a rose. Is it?");
  await page.getByRole("button", { name: "Count words" }).click();
  await expect(page.getByLabel("words", { exact: true })).toHaveValue("10");
});

test("a failed step shows its error, and the step chained with success does not run", async ({ page }) => {
  await open(page);
  await page.getByLabel("text", { exact: true }).fill("   ");
  await page.getByRole("button", { name: "Count words" }).click();
  await expect(page.getByRole("alert")).toHaveText("there is no text to count: type some first");
  await page.waitForTimeout(300);
  await expect(page.getByRole("region", { name: "report" })).not.toContainText("words in");
});

test("a running event shows a bar above its output, and a Stop button cancels it (a generator)", async ({ page }) => {
  await open(page);
  // A Stop button shows only while what it stops runs.
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  await page.getByRole("button", { name: "Spell it out" }).click();
  await page.getByRole("tab", { name: "Spelled" }).click();
  const spelled = page.getByLabel("spelled", { exact: true });
  // While it runs, a bar says so above its output.
  const running = page.getByRole("tabpanel").filter({ has: spelled }).locator(".call-status");
  await expect(running).toBeVisible();
  // A word every 300 ms: stopped after two or three, it never reaches the tenth.
  await expect(spelled).toHaveValue(/^The cat/);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(running).toBeHidden();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  const stopped = await spelled.inputValue();
  await page.waitForTimeout(1200);
  await expect(spelled).toHaveValue(stopped);
  expect(stopped.split(" ").length).toBeLessThan(10);
});

test("Enter in a text field submits it, and an event's second trigger runs it too; the update relabels its result", async ({ page }) => {
  await open(page);
  const find = page.getByLabel("find", { exact: true });
  await find.fill("mat");
  await find.press("Enter");
  await expect(page.getByLabel('found "mat"', { exact: true })).toHaveValue("2");
  await expect(page.getByLabel("found", { exact: true })).toHaveCount(0);
  // The same event has a second trigger: the text's change, debounced: typed letter by letter,
  // it runs once the typing pauses.
  const finds: unknown[] = [];
  page.on("request", (request) => {
    // `find` is the workshop's fifth event (count_words, its report, shout, spell, find).
    if (request.url().endsWith("/workshop/run") && request.postDataJSON()?.fn_index === 4) finds.push(request);
  });
  const text = page.getByLabel("text", { exact: true });
  await text.fill("");
  await text.pressSequentially("mat, mat and mat", { delay: 40 });
  await expect(page.getByLabel('found "mat"', { exact: true })).toHaveValue("3");
  await page.waitForTimeout(600);
  expect(finds).toHaveLength(1);
});

test("updates hide and show a component, and lock and unlock one", async ({ page }) => {
  await open(page);
  const status = page.getByLabel("status", { exact: true });
  await expect(status).toHaveValue(/^Server up/);
  await page.getByLabel("show the status").uncheck();
  await expect(status).toBeHidden();
  await page.getByLabel("show the status").check();
  await expect(status).toBeVisible();
  // Hidden, it was still there: the timer went on filling it.
  await expect(status).toHaveValue(/^Server up/);

  const text = page.getByLabel("text", { exact: true });
  await page.getByLabel("lock the text").check();
  await expect(text).toBeDisabled();
  await page.getByLabel("lock the text").uncheck();
  await expect(text).toBeEnabled();
  await text.fill("still typed");
  await expect(text).toHaveValue("still typed");
});

test("an accordion opens, and a slider's change reruns its event", async ({ page }) => {
  await open(page);
  const slider = page.getByLabel("how many", { exact: true });
  await expect(slider).toBeHidden();
  await page.getByText("Top words").click();
  await expect(slider).toBeVisible();
  await slider.fill("2");
  const top = page.locator(".json-tree");
  await expect(top).toContainText('"word": "the"');
  await expect(top).toContainText('"word": "mat"');
  await expect(top).not.toContainText('"word": "cat"');
});

test("an update gives a dropdown other choices, and picking one of them runs its change", async ({ page }) => {
  await open(page);
  await page.getByText("Top words").click();
  const choices = page.getByLabel("a top word", { exact: true }).locator("option:not([disabled])");
  await expect(choices).toHaveText(["the"]);
  await page.getByLabel("how many", { exact: true }).fill("4");
  await expect(choices).toHaveText(["the", "mat", "cat", "flat"]);
  // A choice the update gave is accepted by the server, in this page's session.
  await page.getByLabel("a top word", { exact: true }).selectOption("cat");
  await expect(page.getByLabel('found "cat"', { exact: true })).toHaveValue("1");
  await expect(page.locator(".event-errors")).toHaveText("");
});

test("an upload event describes the picture; removing it runs the clear event", async ({ page }) => {
  await open(page);
  await page.getByText("Picture", { exact: true }).click();
  const about = page.getByLabel("about the picture", { exact: true });
  await expect(about).toHaveValue("no picture");
  // A 3x2 red PNG.
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEElEQVR4nGO4IycHQQxwFgBGKAaROP7e7QAAAABJRU5ErkJggg==",
    "base64",
  );
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({ name: "red.png", mimeType: "image/png", buffer: png });
  await expect(about).toHaveValue("a picture of 3 × 2 pixels, mostly red");
  const remove = page.getByRole("button", { name: "Remove picture" });
  await expect(page.getByAltText("picture (chosen)")).toBeVisible();
  await remove.click();
  await expect(about).toHaveValue("no picture");
  await expect(remove).toBeHidden();
  await expect(page.getByAltText("picture (chosen)")).toBeHidden();
});

test("two events share the page's State; a new page load starts a new session", async ({ page }) => {
  await open(page);
  await page.getByText("Kept texts", { exact: true }).click();
  const kept = page.getByLabel("kept", { exact: true });
  await page.getByRole("button", { name: "Keep this text" }).click();
  await expect(kept).toHaveValue("1 kept");
  await page.getByLabel("text", { exact: true }).fill("second");
  await page.getByRole("button", { name: "Keep this text" }).click();
  await expect(kept).toHaveValue("2 kept");
  await page.getByRole("button", { name: "Show kept" }).click();
  await expect(kept).toHaveValue("The cat sat on the mat. The mat was flat! | second");

  await open(page);
  await page.getByText("Kept texts", { exact: true }).click();
  await page.getByRole("button", { name: "Show kept" }).click();
  await expect(page.getByLabel("kept", { exact: true })).toHaveValue("nothing kept yet");
});

test("a click while its call runs is dropped, unless its event answers every click (trigger modes)", async ({ page }) => {
  // Count words (event 0) has a click's default, "once"; Keep this text (event 13) "multiple".
  const [COUNT, KEEP] = [0, 13];
  const sent = new Map<number, number>();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await open(page);
  // Their calls wait until the test lets them go, so every click comes while the first runs.
  // Once let go, each goes to the server after the one before it has been answered: the page
  // shows the newest call's answer, so the server must take them in the order they were fired.
  let answered = Promise.resolve();
  await page.route("**/workshop/run", async (route) => {
    const event = route.request().postDataJSON()?.fn_index;
    sent.set(event, (sent.get(event) ?? 0) + 1);
    if (event !== COUNT && event !== KEEP) return route.continue();
    const before = answered;
    let done = () => {};
    answered = new Promise<void>((resolve) => (done = resolve));
    await held;
    await before;
    try {
      await route.fulfill({ response: await route.fetch() });
    } finally {
      done();
    }
  });
  await page.getByText("Kept texts", { exact: true }).click();
  for (let i = 0; i < 3; i++) {
    await page.getByRole("button", { name: "Count words" }).click();
    await page.getByRole("button", { name: "Keep this text" }).click();
  }
  await expect.poll(() => sent.get(KEEP)).toBe(3);
  expect(sent.get(COUNT)).toBe(1);

  release();
  const kept = page.getByLabel("kept", { exact: true });
  await expect(kept).toHaveValue("3 kept");
  await expect(page.getByLabel("words", { exact: true })).toHaveValue("10");
  // "Always last" would have sent one more count when the first ended.
  await page.getByRole("button", { name: "Show kept" }).click();
  await expect(kept).toHaveValue(/ \| .* \| /);
  expect(sent.get(COUNT)).toBe(1);
});

test("a reset naming a State, and a page going away, end the page's session, so the server drops its State", async ({ page }) => {
  const ended: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && /\/(workshop|transcribe)\/sessions\/[0-9a-f]+\/end$/.test(request.url())) ended.push(request.url());
  });
  await open(page);
  await page.getByText("Kept texts", { exact: true }).click();
  const kept = page.getByLabel("kept", { exact: true });
  await page.getByRole("button", { name: "Keep this text" }).click();
  await expect(kept).toHaveValue("1 kept");
  await page.getByRole("button", { name: "Forget" }).click();
  await expect(kept).toHaveValue("");
  await expect.poll(() => ended.length).toBe(1);
  await page.getByRole("button", { name: "Show kept" }).click();
  await expect(kept).toHaveValue("nothing kept yet");
  // What the browser fires as the page goes (a beacon sent while unloading is not always seen here).
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
  await expect.poll(() => ended.length).toBe(2);
  expect(ended[0]).not.toBe(ended[1]);
  // A page with a stream event: its going away ends its session too.
  await page.goto("/transcribe");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent("pagehide")));
  await expect.poll(() => ended.filter((url) => url.includes("/transcribe/")).length).toBe(1);
});

test("a timer refreshes the status line, after the page's load event filled it", async ({ page }) => {
  await open(page);
  const status = page.getByLabel("status", { exact: true });
  await expect(status).toHaveValue(/^Server up for \d+ s$/);
  const first = await status.inputValue();
  await expect(status).not.toHaveValue(first, { timeout: 5000 });
});

test("@gradio/client calls two named events of one app, and not a private one", async () => {
  const app = await Client.connect("http://127.0.0.1:3000/workshop/");
  const text = "One two. Three!";
  expect((await app.predict("/count_words", [text])).data).toEqual([3]);
  expect((await app.predict("/shout", { text })).data).toEqual(["ONE TWO. THREE!"]);
  // An update comes as Gradio sends one.
  const found = (await app.predict("/find", [text, "two"])).data;
  expect(found).toEqual([{ __type__: "update", value: 1, label: 'found "two"' }]);
  const api = await app.view_api();
  expect(Object.keys(api.named_endpoints).sort()).toEqual(["/count_top_word", "/count_words", "/describe", "/find", "/keep", "/kept", "/shout", "/spell", "/top_words"]);
});
