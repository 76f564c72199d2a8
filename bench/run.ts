// `npm run bench [-- --quick] [-- --repeat N]`: roster against generated tenants of 1,000, 10,000
// and 100,000 users (--quick: the first two) in the emulator, at 25 ms per request with Graph's
// throttling on. For each: validate; plan with a cold and a warm photo-hash cache (and, at 100,000,
// without photos); plan --changed-since after a one-file change; apply of the 1 % change set; and the
// per-user baseline. Wall time, Graph requests by kind against the floor (bench/floor.ts), peak RSS.
// A markdown table on stdout; results in bench/out/ (git-ignored). Nothing else is written outside
// a temporary folder, which is removed.
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { caTrustingFetch } from "@roster/graph-emulator";
import { perUserBaseline } from "./baseline.js";
import { type Floor, floorOf, LATENCY_MS, type Work } from "./floor.js";
import {
  type Generated,
  generateTenant,
  profilePath,
  profileYaml,
  writeRepository,
  writeTenant,
} from "./generate.js";

const ROOT = join(import.meta.dirname, "..");
const OUT = join(import.meta.dirname, "out");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const repeat = Math.max(1, Number(args[args.indexOf("--repeat") + 1]) || 1);
const only = args.includes("--sizes")
  ? String(args[args.indexOf("--sizes") + 1])
      .split(",")
      .map(Number)
  : undefined;
const sizes = only ?? (quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]);

interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  inBatch: boolean;
}

interface Row {
  users: number;
  scenario: string;
  wallMs: number;
  floorMs?: number;
  requests?: number;
  floorRequests?: number;
  baselineRequests?: number;
  baselineMs?: number;
  rssMb: number;
  kinds?: string;
}

const rows: Row[] = [];
const machine = {
  cpu: `${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}`,
  memory: `${Math.round(totalmem() / 2 ** 30)} GB`,
  node: process.version,
  os: `${process.platform} ${release()}`,
  loadBefore: loadavg()
    .map((l) => l.toFixed(1))
    .join(" "),
};

await mkdir(OUT, { recursive: true });
for (const users of sizes) await benchSize(users);
const table = markdownTable();
const summary = `Machine: ${machine.cpu}, ${machine.memory}, Node ${machine.node}, ${machine.os}; load average ${machine.loadBefore} before, ${loadavg()
  .map((l) => l.toFixed(1))
  .join(" ")} after.\n`;
console.log(`\n${table}\n${summary}`);
await writeFile(join(OUT, "results.md"), `${table}\n${summary}`);
await writeFile(join(OUT, "results.json"), `${JSON.stringify({ machine, rows }, null, 2)}\n`);

async function benchSize(users: number): Promise<void> {
  const spec = {
    users,
    photoShare: users >= 100_000 ? 0.01 : 0.05,
    syncedShare: 0.05,
    authShare: 0.05,
    changedShare: 0.01,
    seed: 15,
  };
  const work = await mkdtemp(join(tmpdir(), "roster-bench-"));
  const repo = join(work, "repo");
  let emulator: Emulator | undefined;
  try {
    log(`${users} users: generating the tenant and the repository`);
    const generated = generateTenant(spec);
    const statePath = await writeTenant(join(work, "tenant"), generated);
    await writeRepository(repo, generated);
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(
      repo,
      "-c",
      "user.name=bench",
      "-c",
      "user.email=bench@example.com",
      "commit",
      "-q",
      "-m",
      "generated",
    );
    log(`${users} users: starting the emulator`);
    emulator = await startEmulator(statePath, join(work, "ca.pem"));
    const roster = (argv: string[]) => runRoster(argv, repo, emulator as Emulator, work);

    const validate = await best(() => roster(["validate"]));
    rows.push({ users, scenario: "validate", wallMs: validate.wallMs, rssMb: validate.rssMb });
    const loadMs = validate.wallMs;

    const facts = factsOf(generated);
    // Every measured run starts with Graph's budgets unspent (setting the throttling empties them),
    // as a plan run now and then would: a run is not slowed by the one before it.
    const freshStart = async () => {
      await emulator?.control("PUT", "/_emulator/throttling", { enabled: true });
      await emulator?.control("DELETE", "/_emulator/requests");
    };
    const planRow = async (argv: string[], prepare?: () => Promise<void>) => {
      const run = await best(async () => {
        await prepare?.();
        await freshStart();
        const result = await roster(argv);
        return { ...result, log: await emulator?.requests() };
      });
      return { run, log: run.log as LoggedRequest[] };
    };
    const dropCache = () => rm(join(repo, ".roster-cache"), { recursive: true, force: true });

    const planFile = join(work, "plan.json");
    const cold = await planRow(["plan", "--format", "json", "--out", planFile], dropCache);
    rows.push(
      planRowOf(users, "plan, cold photo cache", cold.run, cold.log, facts, loadMs, { downloads: true }),
    );
    const warm = await planRow(["plan", "--format", "json"]);
    rows.push(
      planRowOf(users, "plan, warm photo cache", warm.run, warm.log, facts, loadMs, { downloads: false }),
    );
    if (users >= 100_000) {
      await rename(join(repo, "photos"), join(work, "photos.off"));
      const bare = await planRow(["plan", "--format", "json"]);
      await rename(join(work, "photos.off"), join(repo, "photos"));
      rows.push(
        planRowOf(
          users,
          "plan, repository without photos",
          bare.run,
          bare.log,
          { ...facts, photos: 0 },
          loadMs,
          {
            downloads: false,
          },
        ),
      );
    }

    // One profile changed since the commit: its job title.
    const one = generated.users.find((u) => !u.synced && u.photo === undefined && u.manager !== undefined);
    if (!one) throw new Error("no user to change");
    const changedFile = join(repo, profilePath(one));
    const original = await readFile(changedFile, "utf8");
    const since = await planRow(["plan", "--format", "json", "--changed-since", "HEAD"], () =>
      writeFile(changedFile, profileYaml(one, generated.users, "Changed Title")),
    );
    await writeFile(changedFile, original);
    rows.push(changedSinceRow(users, since.run, since.log, one.auth !== undefined, loadMs));

    // Apply of the change set, planned afresh (a full read), with the writes in batches.
    const plan = JSON.parse(await readFile(planFile, "utf8")) as {
      users: { userPrincipalName: string; changes: { kind: string; path: string; after: unknown }[] }[];
    };
    await freshStart();
    const apply = await roster(["apply", "--auto-approve", "--allow-mass-change"]);
    const applyLog = await emulator.requests();
    rows.push(applyRowOf(users, apply, applyLog, facts, loadMs));

    // The per-user baseline: every managed user read one by one, then one write per change.
    log(`${users} users: the per-user baseline`);
    await freshStart();
    const select =
      "id,userPrincipalName,onPremisesSyncEnabled,displayName,givenName,surname,jobTitle,officeLocation,businessPhones,employeeOrgData,onPremisesExtensionAttributes,department,companyName,usageLocation";
    const writes = plan.users.flatMap((u) =>
      u.changes
        .filter((c) => c.kind === "attribute")
        .map((c) => ({ userPrincipalName: u.userPrincipalName, body: { [c.path]: c.after } })),
    );
    const baseline = await perUserBaseline(
      emulator.graph,
      generated.users.map((u) => u.upn),
      select,
      writes,
    );
    for (const row of rows.filter((r) => r.users === users)) {
      if (row.scenario.startsWith("plan,")) {
        row.baselineRequests = users;
        row.baselineMs = baseline.readMs;
      } else if (row.scenario === "apply") {
        row.baselineRequests = users + writes.length;
        row.baselineMs = baseline.readMs + baseline.writeMs;
      }
    }
    log(`${users} users: baseline ${baseline.requests} requests (${baseline.throttled} throttled)`);
  } finally {
    await emulator?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

interface Facts {
  users: number;
  managers: number;
  photos: number;
  auth: number;
}

function factsOf(generated: Generated): Facts {
  return {
    users: generated.users.length,
    managers: generated.users.filter((u) => u.manager !== undefined).length,
    photos: generated.users.filter((u) => u.photo !== undefined).length,
    auth: generated.users.filter((u) => u.auth !== undefined).length,
  };
}

interface RosterRun {
  code: number;
  wallMs: number;
  rssMb: number;
  stderr: string;
}

/** The fastest of `repeat` runs (the machine may be shared: the minimum is the least disturbed). */
async function best<T extends { wallMs: number }>(run: () => Promise<T>): Promise<T> {
  let fastest: T | undefined;
  for (let i = 0; i < repeat; i++) {
    const result = await run();
    if (!fastest || result.wallMs < fastest.wallMs) fastest = result;
  }
  return fastest as T;
}

/** `node dist/bin.js …` as a process of its own: its wall time and peak RSS alone. */
async function runRoster(argv: string[], repo: string, emulator: Emulator, work: string): Promise<RosterRun> {
  const rssFile = join(work, "rss");
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--require",
      join(import.meta.dirname, "rss.cjs"),
      join(ROOT, "dist", "bin.js"),
      ...argv,
      "--dir",
      repo,
      ...(argv[0] === "validate" ? [] : ["--graph-url", emulator.origin, "--ca-cert", emulator.caPath]),
    ],
    {
      cwd: work,
      env: { ...process.env, ROSTER_ACCESS_TOKEN: "bench", ROSTER_BENCH_RSS: rssFile, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  const wallMs = performance.now() - started;
  if (code !== 0 && !(argv[0] === "plan" && code === 2)) {
    throw new Error(`roster ${argv.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`);
  }
  const rssMb = Number(await readFile(rssFile, "utf8")) / 1024;
  log(
    `  roster ${argv[0]} ${argv.includes("--changed-since") ? "--changed-since " : ""}${(wallMs / 1000).toFixed(1)} s, ${rssMb.toFixed(0)} MB`,
  );
  return { code, wallMs, rssMb, stderr };
}

interface Emulator {
  origin: string;
  caPath: string;
  graph: { origin: string; caPem: string };
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  requests(): Promise<LoggedRequest[]>;
  stop(): Promise<void>;
}

async function startEmulator(statePath: string, caPath: string): Promise<Emulator> {
  const child: ChildProcess = fork(
    join(import.meta.dirname, "emulator-process.ts"),
    [statePath, String(LATENCY_MS)],
    {
      execArgv: ["--import", "tsx"],
    },
  );
  const { origin, caPem } = await new Promise<{ origin: string; caPem: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { origin: string; caPem: string }));
    child.once("exit", (code) => reject(new Error(`the emulator exited ${code}`)));
  });
  await writeFile(caPath, caPem);
  const fetchKeptAlive = caTrustingFetch(caPem);
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await fetchKeptAlive(`${origin}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
    });
    const text = await response.text();
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    origin,
    caPath,
    graph: { origin, caPem },
    control,
    requests: async () =>
      ((await control("GET", "/_emulator/requests")) as { requests: LoggedRequest[] }).requests,
    stop: async () => {
      child.send("stop");
      await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}

/** Requests by kind: what went over the wire, and what went inside `$batch`. */
function kindsOf(entries: readonly LoggedRequest[]) {
  const wire = entries.filter((r) => !r.inBatch);
  const items = entries.filter((r) => r.inBatch);
  const pages = wire.filter((r) => r.path === "/users");
  const expanded = pages.filter((r) => r.query.includes("$expand=manager"));
  return {
    wire: wire.length,
    pages: pages.length,
    expanded: expanded.length,
    count: wire.filter((r) => r.path === "/users/$count").length,
    batches: wire.filter((r) => r.path === "/$batch").length,
    other: wire.filter((r) => !["/users", "/users/$count", "/$batch"].includes(r.path)).length,
    managerItems: items.filter((r) => r.path.endsWith("/manager")).length,
    photoItems: items.filter((r) => r.path.endsWith("/photo")).length,
    downloads: items.filter((r) => r.path.endsWith("/photo/$value")).length,
    authItems: items.filter((r) => r.path.includes("/authentication/")).length,
    writes: items.filter((r) => r.method !== "GET").length,
    items: items.length,
    throttled: entries.filter((r) => r.status === 429).length,
  };
}

function describeKinds(k: ReturnType<typeof kindsOf>): string {
  const parts = [
    k.expanded > 0 ? `${k.expanded} expanded pages` : `${k.pages} pages`,
    k.count > 0 ? "$count" : "",
    `${k.batches} $batch (${k.items} items${k.writes > 0 ? `, ${k.writes} writes` : ""})`,
    `${k.other} other`,
    k.throttled > 0 ? `${k.throttled} throttled` : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}

function planWork(facts: Facts, kinds: ReturnType<typeof kindsOf>, downloads: boolean): Work {
  const expanded = kinds.expanded > 0;
  const pageSize = expanded ? 100 : 999;
  const pages = Math.ceil(facts.users / pageSize);
  const managerReads = expanded ? 0 : facts.managers;
  return {
    tenantUsers: facts.users,
    pageSize,
    batchedReads: facts.photos + 2 * facts.auth,
    photoDownloads: downloads ? facts.photos : 0,
    managerReads,
    writes: 0,
    listed: true,
    resourceUnits: pages * (expanded ? 2 : 1) + managerReads + 1,
  };
}

/** A run's row: its wall time and requests against the floor of the same work. */
function measuredRow(
  users: number,
  scenario: string,
  run: RosterRun,
  kinds: ReturnType<typeof kindsOf>,
  floor: Floor,
  loadMs: number,
): Row {
  return {
    users,
    scenario,
    wallMs: run.wallMs,
    floorMs: loadMs + floor.graphMs,
    requests: kinds.wire,
    floorRequests: floor.requests,
    rssMb: run.rssMb,
    kinds: describeKinds(kinds),
  };
}

function planRowOf(
  users: number,
  scenario: string,
  run: RosterRun,
  entries: readonly LoggedRequest[],
  facts: Facts,
  loadMs: number,
  options: { downloads: boolean },
): Row {
  const kinds = kindsOf(entries);
  const floor = floorOf(planWork(facts, kinds, options.downloads));
  return measuredRow(users, scenario, run, kinds, floor, loadMs);
}

function changedSinceRow(
  users: number,
  run: RosterRun,
  entries: readonly LoggedRequest[],
  auth: boolean,
  loadMs: number,
): Row {
  const kinds = kindsOf(entries);
  // The user, the manager it names, its current manager, the roles (and its authentication methods).
  const reads = 4 + (auth ? 2 : 0);
  const floor = floorOf({
    tenantUsers: users,
    pageSize: 999,
    batchedReads: reads,
    photoDownloads: 0,
    managerReads: 0,
    writes: 0,
    listed: false,
    resourceUnits: 3,
  });
  return measuredRow(users, "plan --changed-since (one profile)", run, kinds, floor, loadMs);
}

function applyRowOf(
  users: number,
  run: RosterRun,
  entries: readonly LoggedRequest[],
  facts: Facts,
  loadMs: number,
): Row {
  const kinds = kindsOf(entries);
  const work = planWork(facts, kinds, false);
  work.writes = kinds.writes;
  work.resourceUnits += kinds.writes;
  const floor = floorOf(work);
  return measuredRow(users, "apply (1 % changed)", run, kinds, floor, loadMs);
}

function markdownTable(): string {
  const s = (ms?: number) => (ms === undefined ? "" : (ms / 1000).toFixed(1));
  const ratio = (a?: number, b?: number) =>
    a === undefined || b === undefined || b === 0 ? "" : (a / b).toFixed(2);
  const lines = [
    "| users | run | wall s | floor s | wall ÷ floor | requests | floor | req ÷ floor | per-user baseline: requests, s | peak RSS MB | requests by kind |",
    "| --: | :-- | --: | --: | --: | --: | --: | --: | --: | --: | :-- |",
  ];
  for (const r of rows) {
    const baseline =
      r.baselineRequests === undefined
        ? ""
        : `${r.baselineRequests.toLocaleString("en")}, ${s(r.baselineMs)}`;
    lines.push(
      `| ${r.users.toLocaleString("en")} | ${r.scenario} | ${s(r.wallMs)} | ${s(r.floorMs)} | ${ratio(r.wallMs, r.floorMs)} | ${r.requests ?? ""} | ${r.floorRequests ?? ""} | ${ratio(r.requests, r.floorRequests)} | ${baseline} | ${r.rssMb.toFixed(0)} | ${r.kinds ?? ""} |`,
    );
  }
  return lines.join("\n");
}

function git(dir: string, ...gitArgs: string[]): void {
  execFileSync("git", gitArgs, {
    cwd: dir,
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
    stdio: "ignore",
  });
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
