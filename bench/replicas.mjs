// Rheo's replicas behind nginx: one configuration's figures, or the report of all of them.
//   node bench/replicas.mjs --label "3 replicas, Redis" --url <nginx> --direct <one replica> --pids "<pids>" --out F
//   node bench/replicas.mjs --report DIR      # the Markdown table of DIR/*.json
// bench/replicas.sh starts each configuration (scripts/replicas-test-env.sh) and runs both.
// A call is the two steps of Gradio's REST API on /calculator (start it, read its result):
// with Redis, each goes through the store (the event made known, the result pushed and taken).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiLoad, median, quantile } from "./measure.mjs";

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes("--quick");
const loadMs = quick ? 1000 : 10_000;
const api = (base) => new URL("calculator/gradio_api/call/calculator", base).href;

async function measure() {
  const pid = Number(arg("pids").split(" ")[0]);
  const run = async (base, concurrency) => {
    const load = await apiLoad({ name: arg("label"), api: api(base) }, pid, concurrency, loadMs);
    return { concurrency, median: median(load.latencies), p99: quantile(load.latencies, 0.99), perSecond: load.perSecond, calls: load.latencies.length };
  };
  await run(arg("url"), 4); // warm-up: connections, the allocator, Redis
  const figures = { label: arg("label"), nginx: [await run(arg("url"), 1), await run(arg("url"), 16)], direct: [await run(arg("direct"), 1)] };
  writeFileSync(arg("out"), JSON.stringify(figures, null, 2) + "\n");
  console.log(JSON.stringify(figures));
}

function report(dir) {
  const runs = readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")));
  const ms = (x) => x.toFixed(2);
  const rows = runs.map((r) => {
    const [one, many] = r.nginx;
    return `| ${r.label} | ${ms(r.direct[0].median)} | ${ms(one.median)} / ${ms(one.p99)} | ${many.perSecond.toFixed(0)} | ${ms(many.median)} / ${ms(many.p99)} |`;
  });
  const memory = runs.find((r) => r.label.startsWith("1 replica, in memory"));
  const redis = runs.find((r) => r.label.startsWith("1 replica, Redis"));
  const added = memory && redis
    ? [`Added by the shared store per call (1 replica, 1 client, through nginx): median ${ms(redis.nginx[0].median - memory.nginx[0].median)} ms, p99 ${ms(redis.nginx[0].p99 - memory.nginx[0].p99)} ms.`, ""]
    : [];
  return [
    "## Replicas behind nginx (bench/replicas.sh)",
    "",
    `Run ${new Date().toISOString()}${quick ? " (quick mode)" : ""}; ${loadMs / 1000} s per figure; the REST call API of /calculator (two requests per call).`,
    "",
    "| configuration | direct to a replica, 1 client: median ms | through nginx, 1 client: median / p99 ms | through nginx, 16 clients: calls/s | 16 clients: median / p99 ms |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    ...added,
    "Notes: one machine of 2 cores runs everything here: nginx, Redis, the replicas and the Node",
    "load generator (the ceiling at 16 clients), so three replicas share the cores one had and",
    "cannot be faster; the point is that every call of a client may land on any replica, at this",
    "cost. In memory, a REST call is two HTTP requests and no store; with Redis, each call also",
    "makes its event known and alive, pushes its result, and has its reader claim and take it",
    "(three round trips on the shared pipelined connection, and a `BLPOP` on a connection the",
    "reader opens for it), which is the added latency above and most of the lower throughput at",
    "16 clients (Redis and the replica compete for the same two cores). A call with `State` adds",
    "two pipelined round trips (read, write). A p99 difference smaller than the noise between",
    "runs can come out negative.",
  ].join("\n");
}

if (arg("report")) console.log(report(arg("report")));
else await measure();
