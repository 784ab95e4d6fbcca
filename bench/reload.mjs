// Reload on save, timed: `RHEO_RELOAD=1 cargo watch -w demos/src -x "run -p rheo-demos"` (the
// README's loop) serves the demos on a port of their own; Chromium opens /greet and types a
// name; each round saves a new title into demos/src/greet.rs and times until the open page
// shows it (the watcher rebuilt and restarted the server, the page noticed and reloaded), then
// checks that the name typed is still there. The file is put back at the end.
//
//   node bench/reload.mjs [--out FILE]     (through bench/reload.sh)

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, now, sleep, start, stop } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "end2end", "package.json"));
const { chromium } = require("playwright-core");
const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : join(root, "bench", "reload.md");
const port = 3474;
const origin = `http://127.0.0.1:${port}`;
const source = join(root, "demos", "src", "greet.rs");
const original = readFileSync(source, "utf8");
const TITLE = '.title("Greeting")';
if (!original.includes(TITLE)) throw new Error(`demos/src/greet.rs no longer says ${TITLE}`);

/** The running server's start id, from a page it serves (none while it is down). */
async function serverId() {
  const html = await fetch(`${origin}/greet`).then((r) => r.text(), () => "");
  return /name="rheo-reload" content="([0-9a-f]+)"/.exec(html)?.[1] ?? null;
}

async function until(ok, ms, what) {
  const deadline = now() + ms;
  while (now() < deadline) {
    if (await ok().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const watcher = start(
  {
    command: ["cargo", "watch", "-q", "-w", "demos/src", "-x", "run -q -p rheo-demos"],
    env: { RHEO_RELOAD: "1", RHEO_SERVER_PORT: String(port), RUST_LOG: "warn" },
  },
  root,
);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const rounds = [];
try {
  // The first build may take minutes (a debug build of the workspace).
  await until(() => fetch(`${origin}/greet`).then((r) => r.ok), 15 * 60_000, "the first build");
  const page = await browser.newPage();
  await page.goto(`${origin}/greet`);
  await page.locator('.blocks[data-hydrated="true"]').waitFor();
  await page.getByLabel("name", { exact: true }).fill("Ada");
  for (let round = 1; round <= 3; round++) {
    const title = `Greeting, saved ${round}`;
    const before = await serverId();
    const saved = now();
    writeFileSync(source, original.replace(TITLE, `.title(${JSON.stringify(title)})`));
    // When the new server first answers, seen from outside the page, apart from the page's own.
    let answered = null;
    const watching = until(
      async () => {
        const id = await serverId();
        return id !== null && id !== before && (answered = now());
      },
      10 * 60_000,
      "the new server",
    );
    await until(async () => (await page.locator("h1").textContent()) === title, 10 * 60_000, `the page to show "${title}"`);
    const shown = now() - saved;
    await watching;
    await page.locator('.blocks[data-hydrated="true"]').waitFor();
    const kept = await page.getByLabel("name", { exact: true }).inputValue();
    rounds.push({ round, seconds: shown / 1000, server: (answered - saved) / 1000, kept: kept === "Ada" });
    console.log(`save ${round}: the page showed the change after ${(shown / 1000).toFixed(1)} s (the new server answered after ${((answered - saved) / 1000).toFixed(1)} s); typing kept: ${kept === "Ada"}`);
  }
} finally {
  writeFileSync(source, original);
  await browser.close();
  await stop(watcher);
}
const seconds = rounds.map((r) => r.seconds);
const report = `## Reload on save

The demos crate in development (\`RHEO_RELOAD=1 cargo watch -w demos/src -x "run -p rheo-demos"\`,
a debug build) with /greet open in Chromium and a name typed; each save changes the demo's title
in \`demos/src/greet.rs\`. Time from the save to the open page showing the new title (cargo
watch noticed, cargo rebuilt and restarted the server, the page heard the new start and
reloaded), and whether the name typed was still there. Measured on ${new Date().toISOString().slice(0, 10)}, on this machine (2 cores).

| save | save to new server answering | save to page showing it | typing kept |
| ---: | ---: | ---: | :---: |
${rounds.map((r) => `| ${r.round} | ${r.server.toFixed(1)} s | ${r.seconds.toFixed(1)} s | ${r.kept ? "yes" : "no"} |`).join("\n")}

Median save to page: ${median(seconds).toFixed(1)} s; the page's own part (from the new server
answering to the page showing the change: its event stream retries every 250 ms, then the page
loads and hydrates) is the difference of the two columns.
`;
writeFileSync(out, report);
console.log(`wrote ${out}`);
if (!rounds.every((r) => r.kept)) process.exit(1);
