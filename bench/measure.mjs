// What the benchmarks measure with, shared by bench.mjs (Rheo beside Gradio), chat.mjs (the
// chats), realtime.mjs (Rheo beside FastRTC), replicas.mjs (Rheo's replicas behind nginx) and
// the others: the servers' start and stop, the predict load, resident memory, versions, and
// the statistics.
import http from "node:http";
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const now = () => performance.now();

/** The first line `cmd args` prints (a version, say), or "unknown" when it fails. */
export function firstLine(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).trim().split("\n")[0];
  } catch {
    return "unknown";
  }
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a system's server (its `command`, with its `env`) in `cwd`; `stderrTail()` gives the
 * end of what it wrote to stderr, for the error when it fails. */
export function start(system, cwd) {
  const child = spawn(system.command[0], system.command.slice(1), {
    cwd,
    env: { ...process.env, ...system.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  child.stderrTail = () => stderr;
  return child;
}

/**
 * Waits until `url` answers 200, the server started as `child` (named `name` in errors) having
 * not exited meanwhile, for at most 2 minutes.
 */
export async function untilServing(name, child, url) {
  const t0 = now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited: ${child.stderrTail()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (now() - t0 > 120_000) throw new Error(`${name} did not start: ${child.stderrTail()}`);
    await sleep(50);
  }
}

/** Stops a server: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Resident memory of a process and its descendants, in MiB. */
export function rssMiB(pid) {
  const kib = (p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
  const children = (p) =>
    readdirSync(`/proc/${p}/task`).flatMap((t) =>
      readFileSync(`/proc/${p}/task/${t}/children`, "utf8").split(" ").filter(Boolean),
    );
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop();
    try {
      total += kib(p);
      queue.push(...children(p));
    } catch {}
  }
  return total / 1024;
}

function httpRequest(agent, url, method, body) {
  return new Promise((resolve, reject) => {
    const headers = body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {};
    const request = http.request(url, { method, agent, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode, text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * `concurrency` clients calling predict back to back for `ms` milliseconds, each call the
 * two steps of Gradio's REST API (start the call, read its result), the same for both
 * systems; `inputs(client, call)` gives a call's data (the calculator's unless the system
 * says). Samples the server's RSS meanwhile. Returns latencies, throughput and peak RSS.
 */
export async function apiLoad(system, pid, concurrency, ms) {
  const inputs = system.inputs ?? ((id, i) => [id, "multiply", i]);
  const latencies = [];
  let peakRss = rssMiB(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMiB(pid))), 50);
  const deadline = now() + ms;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = async (id) => {
    for (let i = 0; now() < deadline; i++) {
      const t0 = now();
      const started = await httpRequest(agent, system.api, "POST", JSON.stringify({ data: inputs(id, i) }));
      if (started.status !== 200) throw new Error(`${system.name}: ${started.status} ${started.text}`);
      const result = await httpRequest(agent, `${system.api}/${JSON.parse(started.text).event_id}`, "GET");
      if (!result.text.startsWith("event: complete")) throw new Error(`${system.name}: ${result.text}`);
      latencies.push(now() - t0);
    }
  };
  const t0 = now();
  await Promise.all(Array.from({ length: concurrency }, (_, id) => client(id)));
  clearInterval(sampler);
  agent.destroy();
  return { concurrency, latencies, perSecond: latencies.length / ((now() - t0) / 1000), peakRssMiB: peakRss };
}

export const median = (xs) => quantile(xs, 0.5);
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
}
