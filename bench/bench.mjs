// Rheo vs Gradio 6, side by side, on this machine, in one run.
//
//   node bench/bench.mjs [--quick] [--out DIR]
//   node bench/bench.mjs --report [--out DIR]
//
// Run through bench/run.sh, which builds Rheo's release server and creates the virtualenv
// with Gradio. Measurements alternate between the two systems so that drift on a noisy
// machine hits both. Writes RESULTS.md (the table), summary.json (the figures) and results.json (raw samples, not committed) to DIR,
// bench/ by default. --quick takes a few samples per figure: the test suite runs it as a
// smoke test, which fails if any figure is missing for either system (never on a timing).
// --report writes RESULTS.md and summary.json again from DIR's results.json, with the reports
// of the other bench scripts as they are now (after one of them ran again).

import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { webcamRun } from "./camera.mjs";
import { apiLoad, firstLine, median, now, quantile, rssMiB, sleep, start, stop } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "end2end", "package.json"));
const { chromium } = require("playwright-core");

const quick = process.argv.includes("--quick");
const reportOnly = process.argv.includes("--report");
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : join(root, "bench");
const plan = quick
  ? { coldStarts: 1, loads: 1, rounds: 1, liveSamples: 5, warmup: 1, loadMs: 1000, webcamRuns: 1, webcamMs: 1500, audioRuns: 1, noteRuns: 1, noteSwitches: 2 }
  : { coldStarts: 7, loads: 5, rounds: 5, liveSamples: 20, warmup: 3, loadMs: 5000, webcamRuns: 3, webcamMs: 8000, audioRuns: 7, noteRuns: 3, noteSwitches: 10 };
const concurrencies = [1, 16, 64];
// The webcam's size and rate; each setup's demo streams a frame every 1/fps s.
const cameras = [
  { name: "640x480 at 30 fps", width: 640, height: 480, fps: 30, target: { fps: "≥ 28 fps", ms: "< 40 ms" } },
  { name: "640x480 at 60 fps", width: 640, height: 480, fps: 60, target: { fps: "≥ 55 fps", ms: "" } },
  { name: "1280x720 at 30 fps", width: 1280, height: 720, fps: 30, target: { fps: "≥ 28 fps", ms: "" } },
];
// The microphone's chunk lengths (stream_every, s): Gradio's default, then shorter.
const chunkSeconds = [0.5, 0.1, 0.05];
const rheoServer = join(root, "target/release/rheo-demos");
const gradioPython = join(root, "bench/.venv/bin/python");
const gradioEnv = { GRADIO_ANALYTICS_ENABLED: "False", HF_HUB_OFFLINE: "1", PYTHONUNBUFFERED: "1" };
// The streaming demos' own stream_every in Rheo's demo server (other rates get a server of their own).
const demoEvery = { flip: 1 / 30, transcribe: 0.5 };

const systems = [
  {
    key: "rheo",
    name: "Rheo",
    origin: "http://127.0.0.1:3000",
    page: "/calculator",
    api: "http://127.0.0.1:3000/calculator/gradio_api/call/calculator",
    command: [rheoServer],
    env: { RUST_LOG: "warn" }, // the demos serve on port 3000, with the UI bundle embedded
    ready: (page) => page.waitForSelector('.blocks[data-hydrated="true"]'),
    /** Where `demo` streams every `every` s: the demo server, or a server of its own on `port`. */
    streaming: (demo, every, port) =>
      every === demoEvery[demo]
        ? { url: `http://127.0.0.1:3000/${demo}` }
        : {
            url: `http://127.0.0.1:${port}/${demo}`,
            command: [rheoServer],
            env: { RUST_LOG: "warn", RHEO_SERVER_PORT: String(port), RHEO_DEMOS_STREAM_EVERY: String(every) },
          },
    startCamera: async (page) => {
      await page.waitForSelector('.blocks[data-hydrated="true"]');
      await page.getByRole("button", { name: "Start camera" }).click();
    },
    synth: { url: "http://127.0.0.1:3000/synth", ready: (page) => page.waitForSelector('.blocks[data-hydrated="true"]') },
    transcribeReady: (page) => page.waitForSelector('.blocks[data-hydrated="true"]'),
  },
  {
    key: "gradio",
    name: "Gradio",
    origin: "http://127.0.0.1:7860",
    page: "/",
    api: "http://127.0.0.1:7860/gradio_api/call/calculator",
    command: [gradioPython, join(root, "bench/gradio_demos.py"), "calculator", "7860"],
    env: gradioEnv,
    // Gradio renders its form in the browser: it is interactive once the labelled input exists.
    ready: (page) => page.getByLabel("num1", { exact: true }).waitFor(),
    // Gradio serves one demo per process: each streaming setup gets a process of its own.
    streaming: (demo, every, port) => ({
      url: `http://127.0.0.1:${port}/`,
      command: [gradioPython, join(root, "bench/gradio_demos.py"), demo, String(port), String(every)],
      env: gradioEnv,
    }),
    startCamera: async (page) => {
      await page.getByRole("button", { name: "Click to Access Webcam" }).click();
      await page.getByRole("button", { name: "capture photo" }).click();
    },
    synth: {
      url: "http://127.0.0.1:7862/",
      command: [gradioPython, join(root, "bench/gradio_demos.py"), "synth", "7862"],
      ready: (page) => page.getByLabel("notes", { exact: true }).waitFor(),
    },
    // Gradio loads its recorder (a WAV encoder in a worker) after the form shows, and Record
    // before that fails ("audio/wav is not supported"): ready once no file has loaded for 1 s.
    transcribeReady: async (page) => {
      await page.getByLabel("note", { exact: true }).waitFor();
      await page.waitForFunction(() => {
        const loaded = performance.getEntriesByType("resource").length;
        const now = performance.now();
        if (window.__loaded?.count !== loaded) window.__loaded = { count: loaded, since: now };
        return now - window.__loaded.since > 1000;
      }, null, { polling: 100, timeout: 15_000 });
    },
  },
];

/** Starts a system and returns [process, milliseconds until its page first answered 200]. */
async function coldStart(system) {
  const t0 = now();
  const child = start(system, root);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${system.name} exited: ${child.stderrTail()}`);
    try {
      const response = await fetch(system.origin + system.page);
      if (response.ok) return [child, now() - t0];
    } catch {}
    if (now() - t0 > 120_000) throw new Error(`${system.name} did not start: ${child.stderrTail()}`);
    await sleep(2);
  }
}

/** One first visit with an empty cache: requests, bytes on the wire, time to interactive. */
async function firstLoad(browser, system) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r));
  await page.goto(system.origin + system.page);
  await system.ready(page);
  const tti = await page.evaluate(() => performance.now());
  await page.waitForLoadState("networkidle").catch(() => {});
  let bytes = 0;
  for (const r of requests) {
    const sizes = await r.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize + sizes.requestHeadersSize;
  }
  await context.close();
  return { requests: requests.length, kib: bytes / 1024, ttiMs: tti };
}

/** Opens the calculator ready for live samples: multiply by 2. */
async function openCalculator(browser, system) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(system.origin + system.page);
  await system.ready(page);
  await page.getByRole("radio", { name: "multiply" }).check();
  await page.getByLabel("num2", { exact: true }).fill("2");
  await page.getByLabel("num1", { exact: true }).fill("1");
  await page.waitForFunction(
    (o) => o.value === "2",
    await page.getByLabel("output", { exact: true }).elementHandle(),
  );
  return page;
}

/**
 * Live recompute latency, measured inside the page: from setting num1 (as typing does:
 * the value, then an `input` event) to the output field showing the new product.
 */
async function liveLatencies(page, count, base) {
  const num1 = await page.getByLabel("num1", { exact: true }).elementHandle();
  const output = await page.getByLabel("output", { exact: true }).elementHandle();
  return page.evaluate(
    async ([input, output, count, base]) => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      const channel = new MessageChannel();
      // A macrotask tick that is not clamped like setTimeout: polls at sub-millisecond rate.
      const tick = () =>
        new Promise((resolve) => {
          channel.port1.onmessage = resolve;
          channel.port2.postMessage(0);
        });
      const samples = [];
      for (let i = 0; i < count; i++) {
        const x = base + i;
        const want = String(x * 2);
        const t0 = performance.now();
        setValue.call(input, String(x));
        input.dispatchEvent(new Event("input", { bubbles: true }));
        while (output.value !== want) {
          await tick();
          if (performance.now() - t0 > 10_000) throw new Error(`no ${want} after 10 s (shows ${output.value})`);
        }
        samples.push(performance.now() - t0);
      }
      return samples;
    },
    [num1, output, count, base],
  );
}

/**
 * Marks when the page first makes sound: a Web Audio source starting (Rheo schedules each chunk
 * so), or an audio element starting to play (Gradio's player); and when the user last clicked.
 */
function soundWatch() {
  window.__firstSound = null;
  window.__clickAt = null;
  document.addEventListener("click", () => (window.__clickAt = performance.now()), true);
  const heard = (at) => {
    if (window.__firstSound === null) window.__firstSound = at;
  };
  const start = AudioBufferSourceNode.prototype.start;
  AudioBufferSourceNode.prototype.start = function (when = 0, ...rest) {
    heard(performance.now() + Math.max(0, when - this.context.currentTime) * 1000);
    return start.call(this, when, ...rest);
  };
  document.addEventListener("playing", () => heard(performance.now()), true);
}

/**
 * One melody through a system's synth demo (the same generator in both: a chunk per note, the
 * first after 300 ms of "thinking"): milliseconds from the Submit click to the first sound.
 */
async function firstAudioRun(browser, system) {
  const context = await browser.newContext();
  await context.addInitScript(soundWatch);
  const page = await context.newPage();
  try {
    await page.goto(system.synth.url);
    await system.synth.ready(page);
    await page.getByLabel("notes", { exact: true }).fill("A4 B4");
    await page.getByRole("button", { name: "Submit" }).click();
    await page.waitForFunction(() => window.__firstSound !== null, null, { timeout: 30_000 });
    const ms = await page.evaluate(() => window.__firstSound - window.__clickAt);
    await sleep(1500); // let the stream end before the page goes
    return ms;
  } finally {
    await context.close();
  }
}

/**
 * The page's microphone, for the audio-in figures: an oscillator the bench switches between two
 * notes (`window.__setNote`), noting when; a steady tone, like a singer holding each note.
 * It also reads the length of each WAV chunk Rheo's page sends on its stream socket
 * (`[seq: u32][WAV]`), with when it was sent, to tell whether any sound was lost.
 */
function switchableMicrophone() {
  window.__chunks = [];
  const noteChunk = (sentAt, size, header) => {
    const view = new DataView(header);
    if (view.getUint32(0) !== 0x52494646) return; // "RIFF"
    const bytesPerSecond = view.getUint32(28, true);
    window.__chunks.push({ sentAt, seconds: (size - 48) / bytesPerSecond });
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const sentAt = performance.now();
    // A byte array (the page joins a frame so), or a blob.
    if (ArrayBuffer.isView(data) && data.byteLength > 48) {
      noteChunk(sentAt, data.byteLength, data.buffer.slice(data.byteOffset + 4, data.byteOffset + 48));
    } else if (data instanceof Blob && data.size > 48) {
      data.slice(4, 48).arrayBuffer().then((header) => noteChunk(sentAt, data.size, header));
    }
    return send.call(this, data);
  };
  navigator.mediaDevices.getUserMedia = async () => {
    const context = new AudioContext();
    const oscillator = context.createOscillator();
    oscillator.frequency.value = 440;
    const gain = context.createGain();
    gain.gain.value = 0.5;
    const out = context.createMediaStreamDestination();
    oscillator.connect(gain).connect(out);
    oscillator.start();
    window.__setNote = (hz) => {
      oscillator.frequency.setValueAtTime(hz, context.currentTime);
      return performance.now();
    };
    return out.stream;
  };
}

/**
 * Streams the switchable microphone through a system's transcribe demo at `url` for one
 * recording, well within the 30 s time limit: for each of `switches` switches of the note,
 * milliseconds until the new note's name is on screen. This includes waiting for the chunk to
 * fill (0 to stream_every, uniformly, as switches come at random moments), the trip, the pitch
 * detection and the display. Then whether the transcript is exactly the notes played, and, where
 * the chunks can be read (Rheo's), the seconds of sound sent per second between the first
 * chunk and the last (1 when none is lost).
 */
async function microphoneRun(browser, system, url, switches) {
  const context = await browser.newContext();
  await context.addInitScript(switchableMicrophone);
  const page = await context.newPage();
  try {
    await page.goto(url);
    await system.transcribeReady(page);
    await page.getByRole("button", { name: "Record" }).click();
    // Both pages offer Stop once the microphone records.
    await page.getByRole("button", { name: "Stop", exact: true }).waitFor({ timeout: 15_000 });
    const note = page.getByLabel("note", { exact: true });
    // The first answer may take a while: a freshly started Gradio warms up on its first stream.
    await note.evaluate((el, system) => new Promise((resolve, reject) => {
      const check = () => (el.value === "A4" ? resolve() : requestAnimationFrame(check));
      check();
      setTimeout(() => reject(new Error(`${system}: A4 never showed (the note says "${el.value}")`)), 30_000);
    }), system.name);
    const latencies = [];
    for (let i = 0; i < switches; i++) {
      const [hz, name] = i % 2 === 0 ? [523.25, "C5"] : [440, "A4"];
      latencies.push(await note.evaluate((el, [hz, name, system]) => new Promise((resolve, reject) => {
        const at = window.__setNote(hz);
        const check = () => (el.value === name ? resolve(performance.now() - at) : requestAnimationFrame(check));
        check();
        setTimeout(() => reject(new Error(`${system}: ${name} never showed (the note says "${el.value}")`)), 10_000);
      }), [hz, name, system.name]));
      await sleep(Math.random() * 500);
    }
    const played = ["A4", ...latencies.map((_, i) => (i % 2 === 0 ? "C5" : "A4"))].join(" ");
    // A transcript may write a note a chunk after showing it: give it 2 s to settle.
    const transcriptBox = page.getByLabel("transcript", { exact: true });
    await transcriptBox.evaluate((el, want) => new Promise((resolve) => {
      const check = () => (el.value === want ? resolve() : requestAnimationFrame(check));
      check();
      setTimeout(resolve, 2000);
    }), played);
    const transcript = await transcriptBox.inputValue();
    const chunks = await page.evaluate(() => window.__chunks);
    // Each chunk holds the sound since the one before: after the first, their lengths add up
    // to the time between the first and the last.
    const span = chunks.length > 1 ? (chunks.at(-1).sentAt - chunks[0].sentAt) / 1000 : NaN;
    const sent = chunks.slice(1).reduce((sum, chunk) => sum + chunk.seconds, 0);
    return { latencies, transcriptRight: transcript === played, transcript, played, soundSent: sent / span };
  } finally {
    await context.close();
  }
}

// The load generator's HTTP client: node:http with keep-alive, several times faster than
// fetch, so that it is less of a ceiling on a 2-core machine it shares with the server.
// One agent per load run: a connection idle between runs may be closed by the server.
function versions() {
  const run = firstLine;
  return {
    rheo: JSON.parse(run("cargo", ["metadata", "--no-deps", "--format-version", "1"]))?.packages?.find((p) => p.name === "rheo-live")?.version,
    rustc: run("rustc", ["--version"]),
    gradio: run(join(root, "bench/.venv/bin/python"), ["-c", "import gradio; print(gradio.__version__)"]),
    chromium: run("/usr/bin/chromium", ["--version"]),
    node: process.version,
  };
}

/**
 * Runs one measurement of `system` and adds what it gives to `into` (an array, or a setter).
 * Rheo's failures end the run. Gradio is the comparison: when it is slow or misbehaves, its
 * failure is recorded with the reason and its figure is missing (in quick mode the run still
 * passes; a full run reports it and fails).
 */
async function measure(per, system, what, run) {
  if (system.key === "rheo") return run();
  try {
    return await run();
  } catch (error) {
    console.warn(`${system.name}: ${what} failed: ${error.message}`);
    per[system.key].failures.push(`${what}: ${error.message}`);
    return undefined;
  }
}

let nextPort = 7870;

/**
 * Starts what each system needs to serve `demo` streaming every `every` s (a process of its
 * own where its demo server does not), runs `measureWith` with each system's page address,
 * and stops those processes.
 */
async function serving(per, demo, every, measureWith) {
  const urls = {};
  const started = [];
  try {
    for (const system of systems) {
      const serving = system.streaming(demo, every, nextPort++);
      if (serving.command) {
        const start = () => coldStart({ ...system, command: serving.command, env: serving.env, origin: serving.url, page: "" });
        const result = await measure(per, system, `starting ${demo} at stream_every ${every.toFixed(3)} s`, start);
        if (!result) continue;
        started.push(result[0]);
      }
      urls[system.key] = serving.url;
    }
    await measureWith(urls);
  } finally {
    for (const child of started) await stop(child);
  }
}

/** Adds a measurement's result to a list of samples, unless it failed. */
const add = (samples, result) => result !== undefined && samples.push(...[result].flat());

async function main() {
  if (reportOnly) return writeReport(JSON.parse(readFileSync(join(outDir, "results.json"), "utf8")));
  const raw = { quick, date: new Date().toISOString(), machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) }, versions: versions() };
  const per = Object.fromEntries(
    systems.map((s) => [s.key, { coldStartMs: [], idleRssMiB: null, loads: [], liveMs: [], api: [], webcam: {}, firstSoundMs: [], microphone: {}, failures: [] }]),
  );

  // Cold start, alternating; each process is stopped before the next one starts.
  for (let i = 0; i < plan.coldStarts; i++) {
    for (const system of systems) {
      const started = await measure(per, system, "cold start", () => coldStart(system));
      if (!started) continue;
      per[system.key].coldStartMs.push(started[1]);
      await stop(started[0]);
    }
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream"],
  });
  const running = {};
  // A server that did not start has no figures past its start.
  const up = (system) => system.key in running;
  try {
    for (const system of systems) {
      const started = await measure(per, system, "start", () => coldStart(system));
      if (started) running[system.key] = started[0];
    }
    for (let i = 0; i < plan.loads; i++) {
      for (const system of systems.filter(up)) add(per[system.key].loads, await measure(per, system, "first load", () => firstLoad(browser, system)));
    }
    await sleep(1000);
    for (const system of systems.filter(up)) per[system.key].idleRssMiB = rssMiB(running[system.key].pid);

    const pages = {};
    for (const system of systems.filter(up)) {
      pages[system.key] = await measure(per, system, "live recompute", async () => {
        const page = await openCalculator(browser, system);
        await liveLatencies(page, plan.warmup, 1000);
        return page;
      });
    }
    for (let round = 0; round < plan.rounds; round++) {
      for (const system of systems.filter((s) => pages[s.key])) {
        const samples = () => liveLatencies(pages[system.key], plan.liveSamples, 10 + round * plan.liveSamples);
        add(per[system.key].liveMs, await measure(per, system, "live recompute", samples));
      }
    }
    for (const concurrency of concurrencies) {
      for (const system of systems.filter(up)) {
        const load = () => apiLoad(system, running[system.key].pid, concurrency, plan.loadMs);
        add(per[system.key].api, await measure(per, system, `predict at ${concurrency} clients`, load));
      }
    }
    // Gradio's calculator is done with; an idle Gradio server takes 5-10% of a core, which
    // would weigh on the streaming figures of both systems.
    if (running.gradio) await stop(running.gradio);
    delete running.gradio;
    for (const camera of cameras) {
      await serving(per, "flip", 1 / camera.fps, async (urls) => {
        for (let i = 0; i < plan.webcamRuns; i++) {
          for (const system of systems.filter((s) => urls[s.key])) {
            const run = () => webcamRun(browser, system, camera, urls[system.key], plan.webcamMs);
            add((per[system.key].webcam[camera.name] ??= []), await measure(per, system, `webcam ${camera.name}`, run));
          }
        }
      });
    }
    // Gradio serves one demo per process: its synth demo gets one of its own while measured.
    const gradio = systems.find((s) => s.key === "gradio");
    const startSynth = () => coldStart({ ...gradio, command: gradio.synth.command, origin: gradio.synth.url, page: "" });
    const synth = await measure(per, gradio, "starting its synth demo", startSynth);
    for (let i = 0; i < plan.audioRuns; i++) {
      for (const system of systems.filter((s) => s.key === "rheo" || synth)) {
        add(per[system.key].firstSoundMs, await measure(per, system, "audio out", () => firstAudioRun(browser, system)));
      }
    }
    if (synth) await stop(synth[0]);
    // Several recordings: each must end within the demos' 30 s time limit.
    // A recording whose first answer never comes (seen now and then with a cold Gradio) is
    // started again once, on a fresh page; in quick mode only Rheo's are (Gradio's failures do
    // not fail it).
    const recording = (system, url) => microphoneRun(browser, system, url, plan.noteSwitches).catch((error) => {
      if (quick && system.key !== "rheo") throw error;
      console.warn(`${error.message}; recording once more`);
      return microphoneRun(browser, system, url, plan.noteSwitches);
    });
    for (const every of chunkSeconds) {
      await serving(per, "transcribe", every, async (urls) => {
        for (let i = 0; i < plan.noteRuns; i++) {
          for (const system of systems.filter((s) => urls[s.key])) {
            const result = await measure(per, system, `audio in at stream_every ${every} s`, () => recording(system, urls[system.key]));
            add((per[system.key].microphone[every] ??= []), result);
            // A setup that failed twice over (Gradio's, at short chunks) is not tried again.
            if (result === undefined) delete urls[system.key];
          }
        }
      });
    }
  } finally {
    await browser.close();
    for (const child of Object.values(running)) await stop(child);
  }

  raw.systems = per;
  mkdirSync(outDir, { recursive: true });
  // Raw samples stay out of git (bench/.gitignore); the figures they give are committed.
  writeFileSync(join(outDir, "results.json"), JSON.stringify(raw, null, 2) + "\n");
  writeReport(raw);
}

/** Writes the figures of `raw` (summary.json) and the table with the other reports (RESULTS.md). */
function writeReport(raw) {
  const per = raw.systems;
  const summary = figures(per).map(([figure, unit, rheo, gradio]) => ({ figure, unit, rheo, gradio }));
  const failures = Object.fromEntries(systems.map((s) => [s.key, per[s.key].failures]));
  writeFileSync(join(outDir, "summary.json"), JSON.stringify({ date: raw.date, versions: raw.versions, figures: summary, failures }, null, 2) + "\n");
  const table = report(raw);
  writeFileSync(join(outDir, "RESULTS.md"), table);
  console.log(table);
  const missing = (key) => figures(per).filter((f) => isMissing(f[key === "rheo" ? 2 : 3])).map((f) => f[0]);
  if (missing("rheo").length) throw new Error(`Rheo's figures missing: ${missing("rheo").join(", ")}`);
  if (missing("gradio").length) {
    const said = `Gradio's figures missing: ${missing("gradio").join(", ")} (${per.gradio.failures.join("; ")})`;
    // The smoke test checks Rheo; a comparison system that misbehaves must not fail it.
    if (raw.quick) console.warn(said);
    else throw new Error(said);
  }
}

/** The figures: [name, unit, rheo, gradio, target, better ("lower", the default, or "higher")]. */
function figures(per) {
  const r = per.rheo, g = per.gradio;
  const loads = (s, f) => median(s.loads.map(f));
  const api = (s, c) => s.api.find((a) => a.concurrency === c) ?? { latencies: [], perSecond: NaN };
  const apiRows = concurrencies.flatMap((c) => [
    [`predict at ${c} client${c > 1 ? "s" : ""}: median`, "ms", median(api(r, c).latencies), median(api(g, c).latencies), c === 1 ? "< 1 ms" : ""],
    [`predict at ${c} client${c > 1 ? "s" : ""}: p99`, "ms", quantile(api(r, c).latencies, 0.99), quantile(api(g, c).latencies, 0.99), ""],
    [`predict at ${c} client${c > 1 ? "s" : ""}: throughput`, "calls/s", api(r, c).perSecond, api(g, c).perSecond, c === 1 ? "" : "≥ 50x Gradio", "higher"],
  ]);
  const peakRss = (s) => (s.api.length ? Math.max(...s.api.map((a) => a.peakRssMiB)) : NaN);
  const webcamRows = cameras.flatMap((camera) => {
    const runs = (s) => s.webcam[camera.name] ?? [];
    const fps = (s) => median(runs(s).map((w) => w.fps));
    const frameMs = (s) => runs(s).flatMap((w) => w.latencies);
    return [
      [`Webcam flip ${camera.name}: frames shown per second`, "fps", fps(r), fps(g), camera.target.fps, "higher"],
      [`Webcam flip ${camera.name}: camera-to-screen latency, median`, "ms", median(frameMs(r)), median(frameMs(g)), camera.target.ms],
      [`Webcam flip ${camera.name}: camera-to-screen latency, p95`, "ms", quantile(frameMs(r), 0.95), quantile(frameMs(g), 0.95), ""],
    ];
  });
  const microphoneRows = chunkSeconds.flatMap((every) => {
    const runs = (s) => s.microphone[every] ?? [];
    const noteMs = (s) => runs(s).flatMap((m) => m.latencies);
    const right = (s) => (runs(s).length ? (100 * runs(s).filter((m) => m.transcriptRight).length) / runs(s).length : NaN);
    const last = every === chunkSeconds.at(-1);
    return [
      [`Audio in (/transcribe) at stream_every ${every} s: note change to its name on screen, median`, "ms", median(noteMs(r)), median(noteMs(g)), last ? "< 120 ms" : ""],
      [`Audio in at stream_every ${every} s: note change to its name on screen, p95`, "ms", quantile(noteMs(r), 0.95), quantile(noteMs(g), 0.95), ""],
      [`Audio in at stream_every ${every} s: recordings whose transcript is the notes played`, "%", right(r), right(g), "100%", "higher"],
      // Gradio's page sends its chunks through its own uploads, which the bench does not read.
      [`Audio in at stream_every ${every} s: seconds of sound sent per second streamed`, "", median(runs(r).map((m) => m.soundSent)), NOT_READ, last ? "1 (none lost)" : "", "higher"],
    ];
  });
  return [
    ["Live recompute, median", "ms", median(r.liveMs), median(g.liveMs), "< 20 ms and ≥ 5x faster"],
    ["Live recompute, p95", "ms", quantile(r.liveMs, 0.95), quantile(g.liveMs, 0.95), ""],
    ["First load: requests", "", loads(r, (l) => l.requests), loads(g, (l) => l.requests), "≤ 6"],
    ["First load: bytes on the wire", "KiB", loads(r, (l) => l.kib), loads(g, (l) => l.kib), "less than Gradio"],
    ["First load: time to interactive", "ms", loads(r, (l) => l.ttiMs), loads(g, (l) => l.ttiMs), ""],
    ["Server RSS, idle", "MiB", r.idleRssMiB, g.idleRssMiB, "< 30 MiB"],
    ["Cold start (to first page)", "ms", median(r.coldStartMs), median(g.coldStartMs), "< 200 ms"],
    ["Server RSS, peak under the predict load", "MiB", peakRss(r), peakRss(g), ""],
    ...apiRows,
    ...webcamRows,
    ["Audio out (/synth): Submit to first sound, median", "ms", median(r.firstSoundMs), median(g.firstSoundMs), ""],
    ["Audio out: first chunk yielded to playback, median", "ms", median(r.firstSoundMs) - 300, median(g.firstSoundMs) - 300, "< 100 ms"],
    ...microphoneRows,
  ];
}

/** A figure the bench does not measure for that system (the notes say why): not missing. */
const NOT_READ = "not read";
/** Whether a figure's cell is missing: not a number, and not one the bench leaves unread. */
const isMissing = (x) => x !== NOT_READ && !Number.isFinite(x);

function report(raw) {
  const fmt = (x) => (x === NOT_READ ? x : !Number.isFinite(x) ? "missing" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const rows = figures(raw.systems).map(([name, unit, rheo, gradio, target, better = "lower"]) => {
    const cell = (x) => (Number.isFinite(x) && unit ? `${fmt(x)} ${unit}` : fmt(x));
    const ratio = better === "lower" ? gradio / rheo : rheo / gradio;
    return `| ${name} | ${cell(rheo)} | ${cell(gradio)} | ${Number.isFinite(ratio) ? `${fmt(ratio)}x` : "—"} | ${target} |`;
  });
  const v = raw.versions;
  return [
    "# Rheo vs Gradio: side-by-side results",
    "",
    `Run ${raw.date}${raw.quick ? " (quick mode: too few samples to quote)" : ""} on ${raw.machine.cores} cores, ${raw.machine.memoryGiB} GiB;`,
    `Rheo ${v.rheo} (${v.rustc}), Gradio ${v.gradio}, ${v.chromium}, Node ${v.node}.`,
    "Produced by `bench/run.sh`; figures in `summary.json`, raw samples in `results.json` (not committed). Ratio: how many times better Rheo is (Gradio / Rheo for",
    "times and sizes, Rheo / Gradio for throughput); above 1, Rheo is better.",
    "",
    "| figure | Rheo | Gradio | ratio | target |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    // What failed, so a missing figure says why.
    ...Object.entries(raw.systems).flatMap(([key, s]) =>
      s.failures.length ? [`${systems.find((x) => x.key === key).name} failed: ${s.failures.join("; ")}`, ""] : [],
    ),
    "## Notes",
    "",
    "- Throughput: the load generator (Node, `node:http` with keep-alive, two requests per predict:",
    "  start the call, read its result) shares the 2 cores with the server under test, and is the",
    "  ceiling for Rheo; `wrk` alone starts about 5,600 calls/s on the same server. Where the 50x",
    "  throughput target is missed, it is missed by the generator, not the server: compare the",
    "  median latencies at 16 and 64 clients.",
    "- First load: 5 requests (the HTML, the stylesheet, the JS glue, the main wasm module and",
    "  the chunk loader); the main module is 261 KB brotli (858 KB, 2026-12-07). The widgets only",
    "  some pages show are in wasm chunks that a page downloads only if it shows them, and their",
    "  options are read there too; see docs/ARCHITECTURE.md, \"Widgets in chunks\". The rest is",
    "  the engine: tachys and reactive_graph, serde for specs and values, Rheo's own page code.",
    "  The 120 KiB target is out of reach with this stack: a page with Leptos, a spec resource and",
    "  serde but no interface at all was 180 KB brotli.",
    "  Time to interactive, measured in the page: the HTML in 15-25 ms, the module script runs at",
    "  100-160 ms, instantiating takes 10-30 ms and hydrating 30-50 ms; the browser's own work",
    "  (navigation commit, style, layout) dominates the rest, so 150 ms is out of reach here.",
    "- Live recompute includes the page's own polling of the output field (sub-millisecond) and",
    "  one HTTP round trip per change; the browser's next paint is not included for either system.",
    "- Webcam: the page's camera is a canvas stream of the camera's size and rate that shows the",
    "  time it was drawn, as stripes (mirrored too, since Gradio mirrors its webcam by default);",
    "  each output picture of the camera's size (an image Gradio's page loads, a picture Rheo's",
    "  paints on a canvas) is decoded back at the animation frame that paints it (one replaced",
    "  before that frame was not shown, and does not count) and timed just after that paint, so",
    "  the latency runs from the camera frame to the processed frame on screen: capture, JPEG, the",
    "  trip both ways, the handler, decoding and display. Both demos capture every 1/fps s of the camera (Rheo's",
    "  /flip at 1/60 s in a server of its own, `RHEO_DEMOS_STREAM_EVERY`; Gradio's flip demo in a",
    "  process per rate, as it serves one demo per process). Each setup's extra servers run only",
    "  while it is measured (an idle Gradio server takes 5-10% of a core). Rheo's page encodes",
    "  each frame in a worker as the camera gives it (a MediaStreamTrackProcessor's VideoFrames on",
    "  an OffscreenCanvas: 3 ms a 640x480 JPEG, 8 ms a 1280x720 one, measured in the page), not",
    "  with canvas.toBlob on the main thread after a tick (17 ms at 640x480); the server takes",
    "  4.6 ms (bench/streams.md), and at most three frames are in flight.",
    "- Audio out: the same generator in both (`/synth`: a chunk per note, the first after 300 ms",
    "  of \"thinking\"), two notes. The first sound is when the page starts a Web Audio source",
    "  (Rheo schedules each chunk so) or an audio element starts playing (Gradio's streaming",
    "  player), from the Submit click; \"first chunk yielded to playback\" subtracts the 300 ms.",
    "  Rheo's path: the chunk is stored as a WAV, its line goes out on the NDJSON answer, the page",
    "  fetches and decodes it and schedules it at once. Gradio's path: HLS segments via ffmpeg.",
    "- Audio in: the page's microphone is an oscillator the bench switches between A4 and C5 at",
    "  random moments while both `/transcribe` demos stream it (the same YIN in Rust and numpy) at",
    "  each stream_every (Rheo's other than 0.5 s and every Gradio one in a server of its own); the",
    "  figure runs from the switch to the new note's name on screen. At 0.5 s most of it is the",
    "  chunking itself, in both: the note is read from the end of a chunk, so a switch shows when",
    "  the chunk it falls in is complete, 0 to 0.5 s later (0.25 s on average). A transcript is",
    "  right when it is exactly the notes played (a lost or garbled chunk adds or drops one).",
    "  Gradio's demo is Blocks with the microphone's `stream` event, as its guide writes a",
    "  streaming handler with State: a live Interface also runs the function when its State",
    "  changes, on the same chunk, so a chunk holding both notes wrote them again and again",
    "  (seen in Gradio 6.31: ~20 calls a second at 0.5 s, transcripts of 200 notes for 11).",
    "  Sound sent per second: Rheo's page sends each chunk as a WAV on its stream socket, whose",
    "  lengths the bench reads; after the first, they add up to the time between the first and",
    "  the last chunk when no sound is lost. Gradio's page uploads its chunks through its own",
    "  client, which the bench does not read (\"not read\").",
    "",
    // FastRTC's, the load, soak and vanishing-client figures, the replicas' and others come from their own runs.
    ...[REALTIME_REPORT, LOAD_REPORT, STREAMS_REPORT, REPLICAS_REPORT, CHAT_REPORT, BATCH_REPORT, RELOAD_REPORT].flatMap((report) => (existsSync(report) ? ["", readFileSync(report, "utf8").trim(), ""] : [])),
  ].join("\n");
}

/** Written by bench/realtime.sh, load.sh, streams.sh, replicas.sh, chat.sh, batch.sh and reload.sh, included as they are. */
const REALTIME_REPORT = new URL("./realtime.md", import.meta.url);
const LOAD_REPORT = new URL("./load.md", import.meta.url);
const STREAMS_REPORT = new URL("./streams.md", import.meta.url);
const REPLICAS_REPORT = new URL("./replicas.md", import.meta.url);
const CHAT_REPORT = new URL("./chat.md", import.meta.url);
const BATCH_REPORT = new URL("./batch.md", import.meta.url);
const RELOAD_REPORT = new URL("./reload.md", import.meta.url);

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
