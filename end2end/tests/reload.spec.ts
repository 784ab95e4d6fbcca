// Reload on save (`RHEO_RELOAD=1 cargo watch -x run`): when the server restarts (the watcher
// rebuilt it after a save), every open page reloads itself and keeps what was typed into its
// inputs. Here the restart is the release build stopped and started again on a port of its
// own; bench/reload.sh times the whole loop, a save to the demos crate included. Without the setting, pages carry no id and the route is not there.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";

const server = join(__dirname, "../../target/release/rheo-demos");
const origin = "http://127.0.0.1:3473";

async function start(): Promise<ChildProcess> {
  const child = spawn(server, [], { env: { ...process.env, RUST_LOG: "warn", RHEO_SERVER_PORT: "3473", RHEO_RELOAD: "1" }, stdio: "ignore" });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${origin}/greet`).then((r) => r.ok, () => false)) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill();
  throw new Error("the server did not start");
}

/** Opens `path` on the reloading server; the id of the server's start the page carries. */
async function openOn(page: Page, path: string): Promise<string> {
  await page.goto(`${origin}${path}`);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  return (await page.locator('meta[name="rheo-reload"]').getAttribute("content"))!;
}

/** Restarts the server; resolves once the page has reloaded by itself (a new id) and hydrated. */
async function restart(page: Page, running: ChildProcess, first: string): Promise<ChildProcess> {
  await stop(running);
  const started = await start();
  await expect(page.locator('meta[name="rheo-reload"]')).not.toHaveAttribute("content", first, { timeout: 10_000 });
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  return started;
}

async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

test("a restarted server reloads the open page, which keeps what was typed", async ({ page }) => {
  let running = await start();
  try {
    const first = await openOn(page, "/greet");
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    await page.getByLabel("name", { exact: true }).fill("Ada");
    await page.getByLabel("shout", { exact: true }).check();

    // The page notices the new start by itself and loads again.
    running = await restart(page, running, first);
    await expect(page.getByLabel("name", { exact: true })).toHaveValue("Ada");
    await expect(page.getByLabel("shout", { exact: true })).toBeChecked();
    // What it kept is a page's inputs as a person gave them: the call runs on them.
    await page.getByRole("button", { name: "Submit" }).click();
    await expect(page.getByLabel("greeting", { exact: true })).toHaveValue(/^HELLO, ADA/);
    // Kept once: a reload by hand starts afresh.
    await page.reload();
    await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
    await expect(page.getByLabel("name", { exact: true })).toHaveValue("");
  } finally {
    await stop(running);
  }
});

test("a live page recomputes on the inputs it kept", async ({ page }) => {
  let running = await start();
  try {
    const first = await openOn(page, "/calculator");
    await page.getByLabel("num1", { exact: true }).fill("7");
    await page.getByRole("radio", { name: "add" }).check();
    await page.getByLabel("num2", { exact: true }).fill("5");
    await expect(page.getByLabel("output", { exact: true })).toHaveValue("12");

    running = await restart(page, running, first);
    await expect(page.getByLabel("num1", { exact: true })).toHaveValue("7");
    // The output was not kept: the page computed it again from the inputs put back.
    await expect(page.getByLabel("output", { exact: true })).toHaveValue("12");
  } finally {
    await stop(running);
  }
});

test("without reload on, a page carries no id and the route is not there", async ({ page, request }) => {
  await page.goto("/greet");
  await expect(page.locator('meta[name="rheo-reload"]')).toHaveCount(0);
  expect((await request.get("/_rheo/reload")).status()).toBe(404);
});
