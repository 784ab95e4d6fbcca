// Chat, side by side: Rheo's /echo_chat (a ChatInterface) and the same generator in Gradio 6's
// ChatInterface (bench/gradio_demos.py echo_chat), each in its own page of headless Chromium.
//
//   node bench/chat.mjs [--quick] [--out FILE]
//
// Run through bench/chat.sh. Per system:
// - Enter to first token on screen: the page's own clock from the Enter key (a capturing
//   listener) to the first text of the reply (a MutationObserver), for turns of a short reply
//   (`tokens 20 every 10`), median and p95;
// - a long reply (`tokens 2000 every 5`): from the moment the server yielded its last token
//   (the token carries the server's clock, the same machine's) to it on screen; the bytes the
//   page received on the reply's stream (Chrome's own count, from the DevTools protocol) per
//   token; and the page's frames while it streamed: the longest gap between two animation
//   frames and the frames dropped (gaps over 25 ms, counted in 16.7 ms frames).
// --quick takes 3 turns and a 300-token reply: the test command runs it, to check that every
// figure is produced (never a timing): a Rheo figure missing fails the run, a Gradio one is
// reported with its reason. Loopback only; stops by itself.

import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, quantile, start, stop, untilServing } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "end2end", "package.json"));
const { chromium } = require("playwright-core");
const quick = process.argv.includes("--quick");
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, "bench/chat.md");
const plan = quick ? { turns: 3, longTokens: 300 } : { turns: 20, longTokens: 2000 };

const systems = [
  {
    name: "Rheo",
    url: "http://127.0.0.1:3311/echo_chat",
    command: [join(root, "target/release/rheo-demos")],
    env: { RUST_LOG: "warn", RHEO_SERVER_PORT: "3311" },
    ready: (page) => page.waitForSelector('.blocks[data-hydrated="true"]'),
    box: (page) => page.getByLabel("Message", { exact: true }),
    bot: ".chat-message.assistant:not(.step) .chat-text",
    stream: /\/echo_chat\/run$/,
  },
  {
    name: "Gradio",
    url: "http://127.0.0.1:7871/",
    command: [join(root, "bench/.venv/bin/python"), join(root, "bench/gradio_demos.py"), "echo_chat", "7871"],
    env: { GRADIO_ANALYTICS_ENABLED: "False", HF_HUB_OFFLINE: "1", PYTHONUNBUFFERED: "1" },
    ready: (page) => page.getByRole("textbox").first().waitFor(),
    box: (page) => page.getByRole("textbox").first(),
    bot: '[data-testid="bot"]',
    stream: /\/gradio_api\/queue\/data/,
  },
];

/** Installs the page's probes: the Enter key's time, the replies' first text and end stamp. */
function probe(bot) {
  window.__chat = { enter: 0, first: 0, end: 0, stamp: 0, gaps: [] };
  const chat = window.__chat;
  document.addEventListener("keydown", (e) => e.key === "Enter" && (chat.enter = performance.now()), true);
  // The last text in an element that is not blank (Gradio ends a message with a newline).
  const lastText = (element) => {
    for (let child = element.lastChild; child; child = child.previousSibling) {
      const text = child.nodeType === Node.TEXT_NODE ? child.textContent : lastText(child);
      if (text.trim()) return text;
    }
    return "";
  };
  // The replies seen before this turn: its own is the one after them.
  window.__chatTurn = () => {
    Object.assign(chat, { first: 0, end: 0, stamp: 0, seen: document.querySelectorAll(bot).length });
  };
  new MutationObserver(() => {
    const replies = document.querySelectorAll(bot);
    const reply = replies[chat.seen];
    if (!reply) return;
    if (!chat.first && reply.textContent.trim()) chat.first = performance.now();
    const tail = lastText(reply);
    const at = tail.indexOf("end@");
    if (!chat.end && at >= 0 && /end@\d{13}/.test(tail.slice(at))) {
      chat.end = Date.now();
      chat.stamp = Number(tail.slice(at + 4, at + 17));
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  // Frames: the gaps between animation frames while a reply streams.
  let last = 0;
  const frame = (t) => {
    if (last && chat.first && !chat.end) chat.gaps.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

async function turn(page, system, message, timeoutMs) {
  await page.evaluate(() => window.__chatTurn());
  await system.box(page).fill(message);
  await system.box(page).press("Enter");
  await page.waitForFunction(() => window.__chat.end > 0, null, { timeout: timeoutMs, polling: 50 });
  return page.evaluate(() => ({ ...window.__chat }));
}

async function run(browser, system) {
  const child = start(system, root);
  try {
    await untilServing(system.name, child, system.url);
    const page = await browser.newPage();
    await page.goto(system.url);
    await system.ready(page);
    await page.evaluate(probe, system.bot);
    const firstMs = [];
    for (let i = 0; i < plan.turns; i++) {
      const seen = await turn(page, system, "tokens 20 every 10", 30_000);
      firstMs.push(seen.first - seen.enter);
    }
    // The long reply, in a fresh page, its stream's bytes counted by Chrome.
    const long = await browser.newPage();
    const cdp = await long.context().newCDPSession(long);
    await cdp.send("Network.enable");
    const urls = new Map();
    let bytes = 0;
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.dataReceived", (e) => system.stream.test(urls.get(e.requestId) ?? "") && (bytes += e.encodedDataLength));
    await long.goto(system.url);
    await system.ready(long);
    await long.evaluate(probe, system.bot);
    bytes = 0;
    const seen = await turn(long, system, `tokens ${plan.longTokens} every 5`, 120_000);
    const gaps = seen.gaps;
    await long.close();
    await page.close();
    return {
      firstMedian: median(firstMs),
      firstP95: quantile(firstMs, 0.95),
      lastTokenMs: seen.end - seen.stamp,
      bytesPerToken: bytes / plan.longTokens,
      longestFrameMs: Math.max(...gaps),
      droppedFrames: gaps.filter((g) => g > 25).reduce((n, g) => n + Math.round(g / (1000 / 60)) - 1, 0),
      frames: gaps.length,
    };
  } finally {
    await stop(child);
  }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  // A system that fails is reported with its reason; Rheo's failing fails the run, Gradio's
  // (another project's) does not, as in bench.mjs.
  const results = {};
  try {
    for (const system of systems) {
      results[system.name] = await run(browser, system).catch((e) => ({ failed: String(e?.message ?? e).split("\n")[0] }));
    }
  } finally {
    await browser.close();
  }
  const [rheo, gradio] = [results.Rheo, results.Gradio];
  const missing = (r) => r.failed ?? Object.entries(r).filter(([, v]) => !Number.isFinite(v)).map(([k]) => k).join(", ");
  const ms = (x) => `${x.toFixed(1)} ms`;
  const cell = (r, f) => (r.failed ? `failed: ${r.failed}` : f(r));
  const ratio = (f) => (rheo.failed || gradio.failed || !(f(rheo) > 0) ? "" : `${(f(gradio) / f(rheo)).toFixed(1)}x`);
  const row = (what, f, show) => `| ${what} | ${cell(rheo, (r) => show(f(r)))} | ${cell(gradio, (r) => show(f(r)))} | ${ratio(f)} |`;
  const lines = [
    "## Chat: a ChatInterface streaming tokens (bench/chat.sh)",
    "",
    `Rheo's \`/echo_chat\` and Gradio 6.31's \`gr.ChatInterface\` over the same generator, one page each in headless Chromium on this machine${quick ? " (quick mode: 3 turns, a 300-token reply)" : ""}. Enter to first token: ${plan.turns} turns of a 20-token reply, 10 ms a token. Long reply: ${plan.longTokens} tokens, 5 ms apart.`,
    "",
    "| | Rheo | Gradio | Gradio / Rheo |",
    "| --- | --- | --- | --- |",
    row("Enter to first token on screen, median", (r) => r.firstMedian, ms),
    row("Enter to first token on screen, p95", (r) => r.firstP95, ms),
    row(`Last of ${plan.longTokens} tokens yielded to on screen`, (r) => r.lastTokenMs, ms),
    row("Bytes on the wire per token", (r) => r.bytesPerToken, (x) => x.toFixed(0)),
    row("Longest gap between frames while streaming", (r) => r.longestFrameMs, ms),
    `| Frames dropped while streaming | ${cell(rheo, (r) => `${r.droppedFrames} (${r.frames} shown)`)} | ${cell(gradio, (r) => `${r.droppedFrames} (${r.frames} shown)`)} | |`,
    "",
    "The bytes are what the page received on the reply's stream (Rheo's NDJSON answer, Gradio's",
    "server-sent events), headers excluded, divided by the tokens. A frame is dropped where two",
    "animation frames are more than 25 ms apart (each 16.7 ms past the first counts one).",
  ];
  writeFileSync(out, lines.join("\n") + "\n");
  console.log(lines.join("\n"));
  if (missing(gradio)) console.error(`chat bench: Gradio's figures are missing: ${missing(gradio)}`);
  if (missing(rheo)) {
    console.error(`chat bench: Rheo's figures are missing: ${missing(rheo)}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
