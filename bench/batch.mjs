// Batching, side by side: Rheo's /topics (a batched handler, `Batch::new(topics).max_size(16)`)
// and the same model in Gradio 6 (`batch=True, max_batch_size=16`, bench/gradio_demos.py
// topics), each also run one text a run, under `concurrency` clients calling its API back to
// back (Gradio's REST API, the same for all).
//
//   node bench/batch.mjs [--quick] [--out FILE]
//
// Run through bench/batch.sh. One server at a time, so that none weighs on another. The model
// is the same in both (8192 hashed trigram counts through a dense layer of 8192x512 weights),
// but not its code: Rheo's is a plain Rust loop, Gradio's a numpy matrix product (OpenBLAS), so
// compare each system's batched calls/s with its own one-at-a-time figure. --quick takes one
// second per figure at 1 and 16 clients: the test command runs it, to check that every Rheo
// figure is produced (never a timing). Loopback only; stops by itself.

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { apiLoad, median, now, sleep, start, stop } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const quick = process.argv.includes("--quick");
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, "bench/batch.md");
const plan = quick ? { loadMs: 1000, concurrencies: [1, 16] } : { loadMs: 5000, concurrencies: [1, 16, 64] };
// None of them is one of the demo's examples, whose answers the server keeps.
const texts = [
  "The referee stopped the match after the second goal",
  "Taste the spicy sauce before it goes in the oven",
  "The singer and the piano player rehearsed the chorus",
  "A physics experiment in the laboratory measured the energy of each atom",
  "We took a flight to the island and a train up the mountain",
];
const inputs = (client, call) => [texts[(client + call) % texts.length]];
const rheo = join(root, "target/release/rheo-demos");
const python = join(root, "bench/.venv/bin/python");
const gradioEnv = { GRADIO_ANALYTICS_ENABLED: "False", HF_HUB_OFFLINE: "1", PYTHONUNBUFFERED: "1" };
const rheoSetup = (batched, port) => ({
  system: "Rheo",
  batched,
  name: `Rheo ${batched ? "batched" : "one at a time"}`,
  page: `http://127.0.0.1:${port}/topics`,
  api: `http://127.0.0.1:${port}/topics/gradio_api/call/topics`,
  command: [rheo],
  env: { RUST_LOG: "warn", RHEO_SERVER_PORT: String(port), RHEO_DEMOS_BATCH: batched ? "on" : "off" },
  inputs,
});
const gradioSetup = (batched, port) => ({
  system: "Gradio",
  batched,
  name: `Gradio ${batched ? "batched" : "one at a time"}`,
  page: `http://127.0.0.1:${port}/`,
  api: `http://127.0.0.1:${port}/gradio_api/call/topics`,
  command: [python, join(root, "bench/gradio_demos.py"), "topics", String(port), batched ? "1" : "0"],
  env: gradioEnv,
  inputs,
});
const setups = [rheoSetup(true, 3321), rheoSetup(false, 3322), gradioSetup(true, 7881), gradioSetup(false, 7882)];

async function started(setup) {
  const child = start(setup, root);
  const t0 = now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${setup.name} exited: ${child.stderrTail()}`);
    try {
      if ((await fetch(setup.page)).ok) return child;
    } catch {}
    if (now() - t0 > 120_000) throw new Error(`${setup.name} did not start`);
    await sleep(100);
  }
}

/** Each concurrency's calls per second and median latency for `setup`, or its failure. */
async function measure(setup) {
  let child;
  try {
    child = await started(setup);
    await apiLoad(setup, child.pid, 4, 500); // warm up
    const rows = [];
    for (const concurrency of plan.concurrencies) {
      const load = await apiLoad(setup, child.pid, concurrency, plan.loadMs);
      rows.push({ concurrency, perSecond: load.perSecond, medianMs: median(load.latencies) });
    }
    return { rows };
  } catch (error) {
    return { failure: String(error.message ?? error).slice(0, 300) };
  } finally {
    if (child) await stop(child);
  }
}

const results = [];
for (const setup of setups) {
  console.log(`measuring ${setup.name}`);
  results.push({ setup, ...(await measure(setup)) });
}

const figure = (system, batched, concurrency) =>
  results.find((r) => r.setup.system === system && r.setup.batched === batched)?.rows?.find((row) => row.concurrency === concurrency);
const fmt = (x, digits = 0) => (x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits));
const lines = [
  "| clients | Rheo batched (calls/s, median ms) | Rheo one at a time | Rheo's gain | Gradio batched | Gradio one at a time | Gradio's gain | batched, Rheo / Gradio |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];
for (const concurrency of plan.concurrencies) {
  const [rb, ro, gb, go] = [["Rheo", true], ["Rheo", false], ["Gradio", true], ["Gradio", false]].map(([s, b]) => figure(s, b, concurrency));
  const cell = (f) => (f ? `${fmt(f.perSecond)} (${fmt(f.medianMs, 1)} ms)` : "—");
  const ratio = (a, b) => (a && b ? `${fmt(a.perSecond / b.perSecond, 2)}x` : "—");
  lines.push(`| ${concurrency} | ${cell(rb)} | ${cell(ro)} | ${ratio(rb, ro)} | ${cell(gb)} | ${cell(go)} | ${ratio(gb, go)} | ${ratio(rb, gb)} |`);
}
const failures = results.filter((r) => r.failure).map((r) => `- ${r.setup.name} failed: ${r.failure}`);
const report = [
  "## Batching: a batched handler under load (bench/batch.sh)",
  "",
  "Rheo's `/topics` (`Batch::new(topics).max_size(16)`, no wait) and the same model in Gradio 6.31",
  "(`batch=True, max_batch_size=16`), each also run one text a run, under clients calling the REST",
  "API back to back (calls per second, and each call's median). The model is the same (hashed",
  "trigram counts through a dense layer of 8192x512 weights) but not its code: Rheo's is a plain",
  "Rust loop, Gradio's a numpy matrix product, so compare each system's gain with its own",
  "one-at-a-time figure.",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)}${quick ? " (quick mode: 1 s per figure)" : `, ${plan.loadMs / 1000} s per figure`}, one server at a time.`,
  "",
  ...lines,
  ...(failures.length ? ["", ...failures] : []),
  "",
].join("\n");
writeFileSync(out, report);
console.log(report);
const rheoMissing = results.filter((r) => r.setup.system === "Rheo" && !r.rows);
if (rheoMissing.length) throw new Error(`Rheo's figures missing: ${rheoMissing.map((r) => `${r.setup.name}: ${r.failure}`).join("; ")}`);
