// Real time both ways, side by side: Rheo's /flip and /talk beside the same demos in FastRTC
// 0.0.34 (bench/fastrtc_demos.py: WebRTC, its own page, its ReplyOnPause with its Silero VAD),
// each in pages of headless Chromium on this machine, in one run.
//
//   node bench/realtime.mjs [--quick] [--out FILE]
//
// Run through bench/realtime.sh. The figures, per system:
// - the webcam, flipped, at 640x480 and 30 and 60 fps: frames shown per second and
//   camera-to-screen latency (bench/camera.mjs, as bench.mjs measures Rheo beside Gradio);
// - turn-taking, with the page's microphone saying speech-like buzzes (see `speakingMicrophone`):
//   from the end of a 1 s turn to the first sound of its reply, median and p95; and barge-in:
//   from the start of speech that talks over a reply to that reply's silence.
// --quick takes one short run of each: the test command runs it, to check that every figure is
// produced (never a timing): a Rheo figure missing fails the run, a FastRTC one is reported with
// its reason. Loopback only; stops by itself.

import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { webcamRun } from "./camera.mjs";
import { firstLine, median, quantile, sleep, start, stop, untilServing } from "./measure.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "end2end", "package.json"));
const { chromium } = require("playwright-core");
const quick = process.argv.includes("--quick");
const outIndex = process.argv.indexOf("--out");
const out = outIndex > 0 ? process.argv[outIndex + 1] : join(root, "bench/realtime.md");
const plan = quick
  ? { webcamRuns: 1, webcamMs: 1500, sessions: 1, turns: 2, bargeIns: 1 }
  : { webcamRuns: 3, webcamMs: 8000, sessions: 2, turns: 8, bargeIns: 4 };
const cameras = [
  { name: "640x480 at 30 fps", width: 640, height: 480, fps: 30 },
  { name: "640x480 at 60 fps", width: 640, height: 480, fps: 60 },
];
// What the page's microphone says: a turn, and speech that talks over its reply, at pitches
// far enough apart for the page to tell their replies apart (see `speakingMicrophone`).
const TURN = { pitch: 110, seconds: 1 };
const LONG_TURN = { pitch: 110, seconds: 5 };
const INTERRUPTION = { pitch: 240, seconds: 0.6 };
// Both demos say the utterance back 1.25 times slower.
const SLOWER = 1.25;

const rheoServer = join(root, "target/release/rheo-demos");
const fastrtcPython = join(root, "bench/.venv-fastrtc/bin/python");
const rheo = (port, every) => ({
  command: [rheoServer],
  env: { RUST_LOG: "warn", RHEO_SERVER_PORT: String(port), ...(every ? { RHEO_DEMOS_STREAM_EVERY: String(every) } : {}) },
});
const fastrtc = (demo, port) => ({
  command: [fastrtcPython, join(root, "bench/fastrtc_demos.py"), demo, String(port)],
  env: {
    GRADIO_ANALYTICS_ENABLED: "False",
    HF_HUB_OFFLINE: "1",
    PYTHONUNBUFFERED: "1",
    SILERO_VAD_ONNX: process.env.SILERO_VAD_ONNX ?? join(root, "bench/.venv-fastrtc/silero_vad.onnx"),
  },
});

const systems = [
  {
    key: "rheo",
    name: "Rheo",
    // The demo server's /flip takes a frame every 1/30 s; 60 fps needs a server of its own.
    flip: (fps) => (fps === 30 ? { url: "http://127.0.0.1:3313/flip", ...rheo(3313) } : { url: "http://127.0.0.1:3314/flip", ...rheo(3314, 1 / fps) }),
    talk: { url: "http://127.0.0.1:3313/talk", ...rheo(3313) },
    startCamera: async (page) => {
      await page.waitForSelector('.blocks[data-hydrated="true"]');
      await page.getByRole("button", { name: "Start camera" }).click();
    },
    startMicrophone: async (page) => {
      await page.waitForSelector('.blocks[data-hydrated="true"]');
      await page.getByRole("button", { name: "Record" }).click();
      await page.waitForSelector('.stream-controls[data-stream="streaming"]');
    },
  },
  {
    key: "fastrtc",
    name: "FastRTC",
    // WebRTC sends the camera at its own rate: one server serves every rate.
    flip: () => ({ url: "http://127.0.0.1:7881/", ...fastrtc("flip", 7881) }),
    talk: { url: "http://127.0.0.1:7882/", ...fastrtc("talk", 7882) },
    // Its video page opens the camera as it loads, and a stream started before that sends
    // nothing; its audio page opens the microphone when the stream starts.
    startCamera: async (page) => {
      await page.waitForFunction(() => [...document.querySelectorAll("video")].some((video) => video.srcObject));
      await startFastrtc(page);
    },
    startMicrophone: (page) => startFastrtc(page),
  },
];

/** FastRTC's page: its one button starts the stream; the stream is up once the data channel is. */
async function startFastrtc(page) {
  const open = page.waitForEvent("console", { predicate: (m) => m.text().includes("Data channel is open"), timeout: 30_000 });
  // Its button sits under the page's footer, which takes the pointer: pressed as a script would.
  await page.getByRole("button", { name: "start stream" }).evaluate((button) => button.click());
  await open;
}

/** Starts `server` and returns it once its page answers 200 (its address must be free). */
async function serve(system, server) {
  if (await fetch(server.url).then(() => true, () => false)) throw new Error(`${server.url} is taken: stop the server there first`);
  const child = start(server, root);
  try {
    await untilServing(system.name, child, server.url);
    return child;
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/**
 * The page's microphone, and its ears on what the page plays, for turn-taking.
 *
 * The microphone is silent until the bench has it say a speech-like buzz (`window.__say(pitch,
 * seconds)`, which returns when it began): harmonics of a voice's pitch, with vibrato, at four
 * syllables a second, which the voice activity detectors of both systems (earshot, Silero) take
 * for speech.
 *
 * What the page plays is tapped where it is played: Web Audio nodes connected to a context's
 * speakers (Rheo's page schedules each reply chunk so), and the audio of any stream a media
 * element plays other than the microphone's (FastRTC's page plays the WebRTC stream it
 * receives). `window.__heard` notes each time the sound in the band of the turn's reply starts
 * or stops: 75 to 100 Hz, around its pitch (the turn's, 1.25 times lower: 88 Hz, with its
 * vibrato); the reply to the interrupting speech is pitched above that band, so that the turn's reply is heard stopping even where the
 * next reply follows it at once.
 */
function speakingMicrophone() {
  const microphones = new Set();
  const heard = (window.__heard = []);
  navigator.mediaDevices.getUserMedia = async () => {
    const context = new AudioContext({ sampleRate: 48000 });
    const out = context.createMediaStreamDestination();
    // A microphone sends silence between words: with nothing playing into it, the stream
    // would send nothing at all (Chromium's WebRTC then sends no packets).
    const silence = context.createConstantSource();
    silence.offset.value = 0;
    silence.connect(out);
    silence.start();
    microphones.add(out.stream);
    window.__say = (pitch, seconds) => {
      const rate = context.sampleRate;
      const buffer = context.createBuffer(1, Math.round(seconds * rate), rate);
      const samples = buffer.getChannelData(0);
      let phase = 0;
      for (let i = 0; i < samples.length; i++) {
        const t = i / rate;
        phase += (2 * Math.PI * pitch * (1 + 0.08 * Math.sin(2 * Math.PI * 3 * t))) / rate;
        let buzz = 0;
        for (let k = 1; k < 12; k++) buzz += Math.sin(k * phase) / k;
        samples[i] = 0.25 * (0.5 - 0.5 * Math.cos(2 * Math.PI * 4 * t)) * buzz;
      }
      const source = context.createBufferSource();
      source.buffer = buffer;
      source.connect(out);
      source.start();
      return performance.now();
    };
    return out.stream;
  };
  const analysers = new Map();
  const tap = (node) => {
    let analyser = analysers.get(node.context);
    if (!analyser) {
      analyser = node.context.createAnalyser();
      analyser.fftSize = 2048;
      analyser.smoothingTimeConstant = 0;
      analysers.set(node.context, analyser);
    }
    connect.call(node, analyser);
  };
  const connect = AudioNode.prototype.connect;
  AudioNode.prototype.connect = function (target, ...rest) {
    if (target instanceof AudioDestinationNode) tap(this);
    return connect.call(this, target, ...rest);
  };
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, "srcObject");
  Object.defineProperty(HTMLMediaElement.prototype, "srcObject", {
    get() {
      return srcObject.get.call(this);
    },
    set(stream) {
      if (stream instanceof MediaStream && stream.getAudioTracks().length && !microphones.has(stream)) {
        const context = new AudioContext();
        tap(context.createMediaStreamSource(stream));
      }
      srcObject.set.call(this, stream);
    },
  });
  let sounding = false;
  setInterval(() => {
    let loudest = -Infinity;
    for (const analyser of analysers.values()) {
      const levels = new Float32Array(analyser.frequencyBinCount);
      analyser.getFloatFrequencyData(levels);
      const bin = analyser.context.sampleRate / analyser.fftSize;
      for (let i = Math.ceil(75 / bin); i <= Math.floor(100 / bin); i++) loudest = Math.max(loudest, levels[i]);
    }
    if (loudest > -60 !== sounding) {
      sounding = !sounding;
      heard.push({ at: performance.now(), sounding });
    }
  }, 2);
}

/** Waits until the page has heard the turn's reply start sounding after `after`: when it did. */
function replyStarts(page, after, system) {
  return page.evaluate(
    ([after, system]) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const start = window.__heard.find((h) => h.sounding && h.at > after);
          if (start) resolve(start.at);
          else if (performance.now() - after > 10_000) reject(new Error(`${system}: no reply within 10 s`));
          else setTimeout(check, 10);
        };
        check();
      }),
    [after, system],
  );
}

/** Waits until the reply has been silent for `ms` after `after`: when its silence began. */
function replyStops(page, after, ms, system) {
  return page.evaluate(
    ([after, ms, system]) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const last = window.__heard.at(-1);
          const silentSince = last && !last.sounding ? Math.max(last.at, after) : null;
          if (silentSince !== null && performance.now() - silentSince >= ms) resolve(silentSince);
          else if (performance.now() - after > 15_000) reject(new Error(`${system}: the reply did not stop within 15 s`));
          else setTimeout(check, 10);
        };
        check();
      }),
    [after, ms, system],
  );
}

/** Has the page's microphone say `what`: when it ended, on the page's clock. */
async function say(page, what) {
  const began = await page.evaluate(([pitch, seconds]) => window.__say(pitch, seconds), [what.pitch, what.seconds]);
  await sleep(what.seconds * 1000);
  return began + what.seconds * 1000;
}

/**
 * One session of `system`'s talk demo: `turns` turns, each answered (end of the turn to the
 * first sound of its reply), then `bargeIns` long turns each talked over 0.4 s into its reply
 * (start of the interrupting speech to the reply's silence). A reply talked over that plays
 * to within a second of the length of one that is not (a long turn's, first heard out), or
 * that was silent when talked over, fails the session.
 */
async function talkSession(browser, system, url) {
  const context = await browser.newContext();
  await context.addInitScript(speakingMicrophone);
  const page = await context.newPage();
  try {
    await page.goto(url);
    await system.startMicrophone(page);
    await sleep(500);
    const replyMs = [];
    const bargeInMs = [];
    for (let i = 0; i < plan.turns; i++) {
      const ended = await say(page, TURN);
      replyMs.push((await replyStarts(page, ended, system.name)) - ended);
      await replyStops(page, ended, 300, system.name);
      await sleep(200 + Math.random() * 300);
    }
    // A long turn's reply played out, as a barge-in's would be without it.
    const ended = await say(page, LONG_TURN);
    const replied = await replyStarts(page, ended, system.name);
    const fullReply = (await replyStops(page, replied, 300, system.name)) - replied;
    for (let i = 0; i < plan.bargeIns; i++) {
      const ended = await say(page, LONG_TURN);
      const replied = await replyStarts(page, ended, system.name);
      await sleep(Math.max(0, replied + 400 - (await page.evaluate(() => performance.now()))));
      const [interrupted, sounding] = await page.evaluate(
        ([pitch, seconds]) => [window.__say(pitch, seconds), window.__heard.at(-1).sounding],
        [INTERRUPTION.pitch, INTERRUPTION.seconds],
      );
      if (!sounding) throw new Error(`${system.name}: the reply was silent when talked over`);
      const silent = await replyStops(page, interrupted, 150, system.name);
      if (silent - replied > fullReply - 1000) {
        throw new Error(`${system.name}: a reply talked over played ${((silent - replied) / 1000).toFixed(2)} s of its ${(fullReply / 1000).toFixed(2)} s`);
      }
      bargeInMs.push(silent - interrupted);
      // The interruption's own reply plays out before the next turn.
      await sleep(INTERRUPTION.seconds * SLOWER * 1000 + 2500);
    }
    return { replyMs, bargeInMs };
  } finally {
    await context.close();
  }
}

/**
 * Runs `measureWith(system, url)` for each system whose server for it started, `runs` times in
 * turn (so that drift on a noisy machine hits both), and stops the servers. A run that fails is
 * started again once, on a fresh page (FastRTC's page now and then shows no processed frame at
 * all), and noted in `retried`; a system that fails twice is noted in `failures` and measured
 * no further here.
 */
async function alternating(servers, runs, { failures, retried }, what, measureWith) {
  const running = [];
  try {
    for (const system of systems) {
      try {
        running.push([system, await serve(system, servers(system)), servers(system).url]);
      } catch (error) {
        failures[system.key].push(`${what}: ${error.message.split("\n")[0]}`);
      }
    }
    const failed = new Set();
    for (let i = 0; i < runs; i++) {
      for (const [system, , url] of running.filter(([s]) => !failed.has(s.key))) {
        try {
          await measureWith(system, url).catch((error) => {
            console.warn(`${system.name}: ${what}: ${error.message}; once more, on a fresh page`);
            retried[system.key].push(`${what}: ${error.message.split("\n")[0]}`);
            return measureWith(system, url);
          });
        } catch (error) {
          console.warn(`${system.name}: ${what}: ${error.message}`);
          failures[system.key].push(`${what}: ${error.message.split("\n")[0]}`);
          failed.add(system.key);
        }
      }
    }
  } finally {
    for (const [, child] of running) await stop(child);
  }
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream"],
  });
  const per = Object.fromEntries(systems.map((s) => [s.key, { webcam: {}, replyMs: [], bargeInMs: [] }]));
  const problems = { failures: Object.fromEntries(systems.map((s) => [s.key, []])), retried: Object.fromEntries(systems.map((s) => [s.key, []])) };
  const { failures } = problems;
  try {
    for (const camera of cameras) {
      await alternating((s) => s.flip(camera.fps), plan.webcamRuns, problems, `webcam ${camera.name}`, async (system, url) => {
        (per[system.key].webcam[camera.name] ??= []).push(await webcamRun(browser, system, camera, url, plan.webcamMs));
      });
    }
    await alternating((s) => s.talk, plan.sessions, problems, "turn-taking", async (system, url) => {
      const session = await talkSession(browser, system, url);
      per[system.key].replyMs.push(...session.replyMs);
      per[system.key].bargeInMs.push(...session.bargeInMs);
    });
  } finally {
    await browser.close();
  }
  for (const s of systems) console.log(`${s.name}: replies ${per[s.key].replyMs.map(Math.round)}; barge-ins ${per[s.key].bargeInMs.map(Math.round)}`);
  const rows = figures(per);
  const lines = report(rows, problems);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lines.join("\n") + "\n");
  console.log(lines.join("\n"));
  const missing = (key) => rows.filter((row) => !Number.isFinite(row[key === "rheo" ? 2 : 3])).map((row) => row[0]);
  if (missing("rheo").length) {
    console.error(`realtime bench: Rheo's figures are missing: ${missing("rheo").join(", ")} (${failures.rheo.join("; ")})`);
    process.exit(1);
  }
  if (missing("fastrtc").length) {
    console.error(`realtime bench: FastRTC's figures are missing: ${missing("fastrtc").join(", ")}`);
    // The smoke test checks Rheo; a full run's table must have both.
    if (!quick) process.exit(1);
  }
}

/** The figures: [name, unit, rheo, fastrtc, better ("lower", the default, or "higher")]. */
function figures(per) {
  const [r, f] = [per.rheo, per.fastrtc];
  const webcamRows = cameras.flatMap((camera) => {
    const runs = (s) => s.webcam[camera.name] ?? [];
    const fps = (s) => median(runs(s).map((w) => w.fps));
    const frameMs = (s) => runs(s).flatMap((w) => w.latencies);
    return [
      [`Webcam flip ${camera.name}: frames shown per second`, "fps", fps(r), fps(f), "higher"],
      [`Webcam flip ${camera.name}: camera-to-screen latency, median`, "ms", median(frameMs(r)), median(frameMs(f))],
      [`Webcam flip ${camera.name}: camera-to-screen latency, p95`, "ms", quantile(frameMs(r), 0.95), quantile(frameMs(f), 0.95)],
    ];
  });
  return [
    ...webcamRows,
    ["ReplyOnPause echo: end of speech to the reply's first sound, median", "ms", median(r.replyMs), median(f.replyMs)],
    ["ReplyOnPause echo: end of speech to the reply's first sound, p95", "ms", quantile(r.replyMs, 0.95), quantile(f.replyMs, 0.95)],
    ["Barge-in: start of the interrupting speech to the reply's silence, median", "ms", median(r.bargeInMs), median(f.bargeInMs)],
    ["Barge-in: start of the interrupting speech to the reply's silence, p95", "ms", quantile(r.bargeInMs, 0.95), quantile(f.bargeInMs, 0.95)],
  ];
}

function report(rows, { failures, retried }) {
  const fastrtcVersions = firstLine(fastrtcPython, ["-c", "import importlib.metadata as m; print(', '.join(p + ' ' + m.version(p) for p in ('fastrtc', 'gradio', 'aiortc', 'onnxruntime')))"]);
  const chromiumVersion = firstLine(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", ["--version"]);
  const fmt = (x) => (!Number.isFinite(x) ? "missing" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const cell = (x, unit) => (Number.isFinite(x) ? `${fmt(x)} ${unit}` : fmt(x));
  return [
    "## Real time both ways: Rheo beside FastRTC (bench/realtime.sh)",
    "",
    `Rheo's \`/flip\` and \`/talk\` beside the same demos in FastRTC 0.0.34 (\`bench/fastrtc_demos.py\`: its \`Stream\` and its own WebRTC page, its \`ReplyOnPause\` with its defaults and its Silero VAD), in pages of headless Chromium on this machine${quick ? " (quick mode: too few samples to quote)" : ""}: ${plan.webcamRuns} webcam runs of ${plan.webcamMs / 1000} s per system and rate; ${plan.sessions} talk sessions per system, each of ${plan.turns} turns and ${plan.bargeIns} barge-ins.`,
    "",
    `Run ${new Date().toISOString()}: ${fastrtcVersions}; ${chromiumVersion}.`,
    "",
    "| figure | Rheo | FastRTC | FastRTC / Rheo |",
    "| --- | --- | --- | --- |",
    ...rows.map(([name, unit, rheo, fastrtc, better = "lower"]) => {
      const ratio = better === "lower" ? fastrtc / rheo : rheo / fastrtc;
      return `| ${name} | ${cell(rheo, unit)} | ${cell(fastrtc, unit)} | ${Number.isFinite(ratio) ? `${fmt(ratio)}x` : "—"} |`;
    }),
    "",
    ...systems.flatMap((s) => (failures[s.key].length ? [`${s.name} failed: ${failures[s.key].join("; ")}`, ""] : [])),
    ...systems.flatMap((s) => (retried[s.key].length ? [`${s.name}, runs started again once: ${retried[s.key].join("; ")}`, ""] : [])),
    "- Ratio: how many times better Rheo is (FastRTC / Rheo for times, Rheo / FastRTC for frames",
    "  per second); above 1, Rheo is better.",
    "- Webcam: the stamped camera of the Gradio comparison above (bench/camera.mjs). Rheo's page",
    "  sends JPEGs on its stream socket and paints each processed frame on a canvas (decoded off",
    "  the main thread), read back at the animation frame that paints it and timed just after",
    "  that paint; FastRTC's sends the camera over WebRTC (VP8, encoded and decoded by aiortc in",
    "  Python on the server) and plays what comes back in a video element, whose presented frames",
    "  are read back (`requestVideoFrameCallback`: timed when presented; frames presented between",
    "  two callbacks count as shown). Both systems' servers for a setup run",
    "  while either is measured (FastRTC's, idle, takes some of a core while Rheo's is).",
    `- Turn-taking: the page's microphone says a speech-like buzz (harmonics of ${TURN.pitch} Hz with`,
    "  vibrato, four syllables a second), which both detectors take for speech. Both demos say the",
    "  utterance back from its first sound, 1.25 times slower, in 0.1 s pieces (Rheo's `/talk`",
    "  with its 0.5 s pause; FastRTC's `ReplyOnPause` with its defaults: 0.6 s chunks of sound",
    "  given to Silero, a turn ending on a chunk with under 0.1 s of speech). The reply's sound is",
    "  read where the page plays it (Web Audio, or the WebRTC stream's audio), in 43 ms windows:",
    "  both figures include up to a window's lag, the same for both. A reply is over after 150 ms",
    `  of silence. Barge-in: ${LONG_TURN.seconds} s turns, talked over ${INTERRUPTION.seconds} s long 0.4 s into their`,
    `  reply at ${INTERRUPTION.pitch} Hz; the reply to that is pitched above the band the first reply is`,
    "  read in. Rheo stops a reply when the interrupting speech begins (0.2 s of it); FastRTC's",
    "  `can_interrupt` stops it when the interrupting turn ends. A p95 of few samples is about",
    "  their largest.",
  ];
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
