import { Client } from "@gradio/client";
import { expect, Page, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

// /chat, a ChatInterface answered by a word chain trained on Moby-Dick (demos/src/chat.rs): a
// "Thinking" step for 300 ms, then an answer of 25 to 80 words, a word every 35 ms.

async function open(page: Page) {
  await page.goto("/chat");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

const conversation = (page: Page) => page.getByRole("log", { name: "Conversation" });
const messages = (page: Page, role: "user" | "assistant" | "step") =>
  conversation(page).locator(role === "assistant" ? ".chat-message.assistant:not(.step)" : `.chat-message.${role}`);
const words = async (reply: ReturnType<Page["locator"]>) => (await reply.innerText()).trim().split(/\s+/).length;

/** The rows of a CSV file (RFC 4180: quoted fields, doubled quotes, line breaks in quotes). */
function parse(csv: string): string[][] {
  const rows: string[][] = [[]];
  let field = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (quoted && c === '"' && csv[i + 1] === '"') (field += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ",") rows[rows.length - 1].push(field), (field = "");
    else if (!quoted && c === "\n") rows[rows.length - 1].push(field.replace(/\r$/, "")), rows.push([]), (field = "");
    else field += c;
  }
  if (field) rows[rows.length - 1].push(field);
  return rows.filter((row) => row.length > 0);
}

async function send(page: Page, text: string) {
  const box = page.getByLabel("Message", { exact: true });
  await box.fill(text);
  await box.press("Enter");
  await expect(box).toHaveValue("");
}

test("three turns, each reply streamed a word at a time after its message, as edits on the wire", async ({ page }) => {
  await open(page);
  const lines: string[] = [];
  page.on("response", async (response) => {
    if (response.url().endsWith("/chat/run")) lines.push(...(await response.text()).trim().split("\n"));
  });
  const stop = page.getByRole("button", { name: "Stop" });
  for (const [turn, text] of ["Tell me about the whale", "What is the sea like?", "Who is Queequeg?"].entries()) {
    await send(page, text);
    await expect(messages(page, "user").nth(turn)).toContainText(text);
    const reply = messages(page, "assistant").nth(turn).locator(".chat-text");
    await expect(reply).toHaveText(/\S+ \S+/);
    const early = await words(reply);
    await expect.poll(() => words(reply)).toBeGreaterThan(early + 3);
    await expect(stop).toBeHidden({ timeout: 10_000 });
    expect(await words(reply)).toBeGreaterThanOrEqual(25);
  }
  await expect(messages(page, "user")).toHaveCount(3);
  await expect(messages(page, "assistant")).toHaveCount(3);
  await expect(messages(page, "step")).toHaveCount(3);
  // The conversation outgrew its box, which followed it to its end.
  const log = conversation(page);
  expect(await log.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  expect(await log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(40);
  // After its first answer, each line of a turn is what changed (a word appended to the
  // answer, mostly), not the conversation: none is long, the last turn's as short as the first's.
  await expect.poll(() => lines.filter((line) => line.includes('"append"')).length).toBeGreaterThan(70);
  const edits = lines.filter((line) => line.startsWith('{"diff"'));
  expect(Math.max(...edits.map((line) => line.length))).toBeLessThan(400);
  const appended = edits.filter((line) => line.includes('"append"'));
  expect(appended.filter((line) => line.length < 80).length).toBeGreaterThan(appended.length * 0.9);
});

test("Stop ends a reply where it is; Retry answers the last message anew; Undo takes it back; Clear empties the chat", async ({ page }) => {
  await open(page);
  await send(page, "Tell me about the whale");
  const reply = messages(page, "assistant").first().locator(".chat-text");
  await expect(reply).toHaveText(/\S+ \S+ \S+/);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  const stopped = await reply.innerText();
  await page.waitForTimeout(800);
  await expect(reply).toHaveText(stopped);
  expect(await words(reply)).toBeLessThan(25);

  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect.poll(() => words(reply)).toBeGreaterThanOrEqual(25);
  await expect(messages(page, "user")).toHaveCount(1);
  await expect(messages(page, "assistant")).toHaveCount(1);

  await page.getByRole("button", { name: "Undo" }).click();
  await expect(messages(page, "user")).toHaveCount(0);
  await expect(messages(page, "assistant")).toHaveCount(0);
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("Tell me about the whale");

  await send(page, "And the sea?");
  await expect(messages(page, "assistant")).toHaveCount(1);
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(messages(page, "user")).toHaveCount(0);
  await expect(page.getByText("Ask Ishmael about the sea")).toBeVisible();
});

test("an example fills the message box; an empty message is refused in words", async ({ page }) => {
  await open(page);
  // Clear always shows (it also empties the chat); Stop only while a reply runs.
  await expect(page.getByRole("button", { name: "Clear" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  await page.getByLabel("Message", { exact: true }).press("Enter");
  await expect(page.getByRole("alert")).toHaveText("Type a message first.");
  await page.getByRole("button", { name: /Example 2: .*What is the sea like\?/ }).click();
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("What is the sea like?");
});

test("the thinking step shows open while it works, then folds under its title; a click opens it", async ({ page }) => {
  await open(page);
  await send(page, "Who is Queequeg?");
  const step = messages(page, "step").first().locator("details");
  await expect(step).toHaveAttribute("open", "");
  await expect(step.locator("summary")).toContainText("Thinking");
  await expect(step).not.toHaveAttribute("open", "");
  await expect(step.locator(".chat-text")).toBeHidden();
  await step.locator("summary").click();
  await expect(step.locator(".chat-text")).toHaveText(/Found “(who|is|queequeg)” in the chapters/);
});

test("a finished reply is rendered as Markdown, and the copy button puts its text on the clipboard", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await open(page);
  await send(page, "Who is Queequeg?");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  const message = messages(page, "assistant").first();
  await expect(message.locator(".chat-block p")).toHaveCount(1);
  const text = (await message.locator(".chat-text").innerText()).trim();
  await message.getByRole("button", { name: "Copy message" }).click();
  expect((await page.evaluate(() => navigator.clipboard.readText())).trim()).toBe(text);
});

test("a like and a dislike of an answer reach the demo's author, which counts them; steps and messages sent have no thumbs", async ({ page }) => {
  await open(page);
  await send(page, "What is the sea like?");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect(messages(page, "step").getByRole("button", { name: "Like" })).toHaveCount(0);
  await expect(messages(page, "user").getByRole("button", { name: "Like" })).toHaveCount(0);
  const answer = messages(page, "assistant").first();
  const [like, dislike] = [answer.getByRole("button", { name: "Like", exact: true }), answer.getByRole("button", { name: "Dislike" })];
  // The counts are the server's, everyone's since it started: read them, then check each vote adds one.
  const noted = (verdict: string) => page.locator(".toast", { hasText: `Noted: you ${verdict} answer 3.` });
  const counts = async (verdict: string) => {
    const said = await noted(verdict).innerText();
    const [, likes, dislikes] = said.match(/have (\d+) likes and (\d+) dislikes/)!;
    return [Number(likes), Number(dislikes)];
  };
  await like.click();
  await expect(like).toHaveAttribute("aria-pressed", "true");
  // The answer is the conversation's third message (after the question and the thinking step).
  await expect(noted("liked")).toBeVisible();
  const [likes, dislikes] = await counts("liked");
  expect(likes).toBeGreaterThanOrEqual(1);
  await dislike.click();
  await expect(dislike).toHaveAttribute("aria-pressed", "true");
  await expect(like).toHaveAttribute("aria-pressed", "false");
  await expect(noted("disliked")).toBeVisible();
  expect(await counts("disliked")).toEqual([likes, dislikes + 1]);
  // Each was flagged too: the conversation up to the answer, and the verdict.
  await expect(page.locator(".toast", { hasText: "Flagged: saved for the author to review." })).toHaveCount(2);
  const csv = readFileSync(join(__dirname, "..", "..", "target", "flagged", "chat", "dataset.csv"), "utf8");
  const [header, ...rows] = parse(csv);
  expect(header).toEqual(["Chatbot", "reason", "flagged_at"]);
  const [liked, disliked] = rows.slice(-2);
  expect([liked[1], disliked[1]]).toEqual(["Like", "Dislike"]);
  const flagged = JSON.parse(liked[0]);
  expect(flagged.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "assistant"]);
  expect(flagged[2].content[0].text).toBe((await answer.locator(".chat-text").innerText()).trim());
});

test("a message sent is edited in place: Cancel leaves it, Send answers the new text after what came before", async ({ page }) => {
  await open(page);
  await send(page, "Tell me about the whale");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  const first = (await messages(page, "assistant").first().locator(".chat-text").innerText()).trim();
  await send(page, "What is the sea like?");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect(messages(page, "assistant").first().getByRole("button", { name: "Edit message" })).toHaveCount(0);
  const second = messages(page, "user").nth(1);

  await second.getByRole("button", { name: "Edit message" }).click();
  const editor = second.getByRole("textbox", { name: "Edit message" });
  await expect(editor).toBeFocused();
  await expect(editor).toHaveValue("What is the sea like?");
  await editor.fill("Who is Queequeg?");
  await second.getByRole("button", { name: "Cancel" }).click();
  await expect(editor).toHaveCount(0);
  await expect(second.locator(".chat-text")).toHaveText("What is the sea like?");

  await second.getByRole("button", { name: "Edit message" }).click();
  await second.getByRole("textbox", { name: "Edit message" }).fill("Who is Queequeg?");
  await second.getByRole("button", { name: "Send" }).click();
  await expect(messages(page, "user").nth(1).locator(".chat-text")).toHaveText("Who is Queequeg?");
  await expect(messages(page, "step").nth(1).locator(".chat-step-title")).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect.poll(() => words(messages(page, "assistant").nth(1).locator(".chat-text"))).toBeGreaterThanOrEqual(25);
  await messages(page, "step").nth(1).locator("summary").click();
  await expect(messages(page, "step").nth(1).locator(".chat-text")).toHaveText(/Found “(who|is|queequeg)” in the chapters/);
  // The turn before it stayed as it was.
  await expect(messages(page, "user")).toHaveCount(2);
  await expect(messages(page, "assistant")).toHaveCount(2);
  expect((await messages(page, "assistant").first().locator(".chat-text").innerText()).trim()).toBe(first);
});

test("one turn at a time: an edit while a reply streams stops that reply, which does not come back", async ({ page }) => {
  await open(page);
  await send(page, "Tell me about the whale");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await send(page, "What is the sea like?");
  await expect(messages(page, "assistant").nth(1).locator(".chat-text")).toHaveText(/\S+ \S+/);
  const first = messages(page, "user").first();
  await first.getByRole("button", { name: "Edit message" }).click();
  await first.getByRole("textbox", { name: "Edit message" }).fill("Who is Queequeg?");
  await first.getByRole("button", { name: "Send" }).click();
  await expect(messages(page, "user").locator(".chat-text")).toHaveText(["Who is Queequeg?"]);
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await page.waitForTimeout(800);
  await expect(messages(page, "user")).toHaveCount(1);
  await expect(messages(page, "assistant")).toHaveCount(1);
});

test("the conversation is kept in the browser: a reload shows it and the chat goes on from it; Clear empties it for good", async ({ page }) => {
  await open(page);
  await send(page, "Tell me about the whale");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  const answer = (await messages(page, "assistant").first().locator(".chat-text").innerText()).trim();
  await page.waitForTimeout(500); // saved once still for 300 ms
  await page.reload();
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await expect(messages(page, "user").locator(".chat-text")).toHaveText(["Tell me about the whale"]);
  await expect(messages(page, "assistant").locator(".chat-text")).toHaveText([answer]);
  await send(page, "Who is Queequeg?");
  await expect(messages(page, "user")).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect(messages(page, "assistant")).toHaveCount(2);

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(messages(page, "user")).toHaveCount(0);
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await expect(messages(page, "user")).toHaveCount(0);
  await expect(page.getByText("Ask Ishmael about the sea, whales or the Spouter-Inn, or show him a picture.")).toBeVisible();
});

test("a reply that fails half-way keeps its words, its error shown under them; the next turn goes on", async ({ page }) => {
  await page.goto("/echo_chat");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await send(page, "tokens 5 every 20 then fail");
  await expect(page.getByRole("alert")).toHaveText("The model stopped half-way (as asked).");
  await expect(messages(page, "assistant").first()).toHaveText(/^tok0 tok1 tok2 tok3 tok4\s*Copy$/);
  await send(page, "Hello again");
  await expect(messages(page, "assistant").nth(1)).toContainText("Hello again");
  await expect(messages(page, "assistant")).toHaveCount(2);
  await expect(page.getByRole("alert")).toBeHidden();
});

test("@gradio/client chats through /chat, and its submit streams the growing reply", async () => {
  const chat = await Client.connect("http://127.0.0.1:3000/chat/");
  // The additional input, the longest reply, comes after the message.
  const answer = (await chat.predict("/chat", ["Who is Queequeg?", 30])).data as string[];
  expect(answer[0].split(" ").length).toBeGreaterThanOrEqual(25);
  expect(answer[0].split(" ").length).toBeLessThanOrEqual(30);
  const replies: string[] = [];
  for await (const message of chat.submit("/chat", { message: "Tell me about the whale", longest_reply: 80 })) {
    if (message.type === "data") replies.push((message.data as string[])[0]);
  }
  expect(replies.length).toBeGreaterThan(20);
  for (let i = 1; i < replies.length; i++) expect(replies[i].startsWith(replies[i - 1])).toBe(true);
});

/** A PNG of one colour, drawn by the browser. */
async function picture(page: Page, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate((colour) => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [48, 32];
    const context = canvas.getContext("2d")!;
    context.fillStyle = colour;
    context.fillRect(0, 0, 48, 32);
    return canvas.toDataURL("image/png").split(",")[1];
  }, colour);
  return Buffer.from(base64, "base64");
}

test("a message with a picture: shown in the conversation, looked at, kept by Retry, put back by Undo", async ({ page }) => {
  await open(page);
  await page.getByLabel("Attach files").setInputFiles({ name: "green.png", mimeType: "image/png", buffer: await picture(page, "#28a03c") });
  const attached = page.locator(".multimodal ul.files li");
  await expect(attached).toHaveText([/^green\.png \d+ B$/]);
  await send(page, "What is this?");
  await expect(attached).toHaveCount(0);
  const shown = messages(page, "user").first().getByRole("img", { name: "green.png" });
  await expect(shown).toBeVisible();
  expect(await shown.evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(48);
  const step = messages(page, "step").first();
  await expect(step).toContainText("green.png is a 48×32 picture, mostly green.");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });

  // Retry answers the message again, with its picture read back from the server.
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  await expect(messages(page, "step").first()).toContainText("mostly green");
  await expect(messages(page, "user")).toHaveCount(1);
  await expect(messages(page, "user").first().getByRole("img", { name: "green.png" })).toBeVisible();

  // Undo puts the message and its picture back in the box.
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(messages(page, "user")).toHaveCount(0);
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("What is this?");
  await expect(attached).toHaveText([/^green\.png/]);
});

test("the example with a picture shows it and fills the box with its text and file; a wrong file is refused", async ({ page }) => {
  await open(page);
  const example = page.getByRole("button", { name: /What do you see\?/ });
  await expect(example.locator("img.example-thumb")).toBeVisible();
  await example.click();
  await expect(page.getByLabel("Message", { exact: true })).toHaveValue("What do you see?");
  await expect(page.locator(".multimodal ul.files li")).toHaveText([/^sea\.png/]);
  await page.getByLabel("Message", { exact: true }).press("Enter");
  await expect(messages(page, "step").first()).toContainText("sea.png is a 96×64 picture, mostly blue.");
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });

  await page.getByLabel("Attach files").setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("just text") });
  await send(page, "And this?");
  await expect(page.getByRole("alert")).toContainText('"notes.png" is text/plain, not one of the kinds of file this input takes: image');
});
