// `npm run demo`: the main job against the embedded demo tenant. Starts the Graph emulator on a
// free loopback port from demo/tenant.json (the example profiles, drifted on purpose), then runs
// roster as the pipeline does: validate; the pull request's plan (as `roster-plan`, authentication
// methods left out); the apply on merge (as `roster-apply`, planning afresh); and the drift check
// (as `roster-drift`), which must find nothing left to do. The demo tenant declares the three apps
// with exactly the README's permissions.
// The first plan is also written as HTML to demo/out/plan.html (git-ignored; ROSTER_DEMO_OUT names
// another folder), to open in a browser: photos side by side, the org chart of manager changes.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { startEmulator, type TenantState } from "@roster/graph-emulator";
import { main } from "../src/cli.js";
import { processIo } from "../src/io.js";

const root = join(import.meta.dirname, "..");
const statePath = join(root, "demo", "tenant.json");
const state = JSON.parse(await readFile(statePath, "utf8")) as TenantState;
const tokenOf = (app: string): string => {
  const token = state.apps?.find((a) => a.displayName === app)?.token;
  if (!token) throw new Error(`demo/tenant.json declares no app ${app}`);
  return token;
};
const emulator = await startEmulator({ statePath });
const work = await mkdtemp(join(tmpdir(), "roster-demo-"));
const caCert = join(work, "emulator-ca.pem");
await writeFile(caCert, emulator.caPem);

const io = processIo();
const connection = ["--dir", root, "--graph-url", emulator.origin, "--ca-cert", caCert];
const step = async (title: string, args: string[], app = "roster-plan") => {
  const signedIn = args.includes("--graph-url") ? ` (as ${app})` : "";
  io.stdout(`\n=== ${title}: roster ${args.filter((a) => !connection.includes(a)).join(" ")}${signedIn}\n\n`);
  return main(["node", "roster", ...args], {
    ...io,
    env: { ...process.env, ROSTER_ACCESS_TOKEN: tokenOf(app) },
  });
};

let failed = false;
try {
  io.stdout(`Demo tenant: the Graph emulator at ${emulator.origin}, loaded from demo/tenant.json\n`);
  failed ||= (await step("1. validate the repository offline", ["validate", "--dir", root])) !== 0;
  const planFile = join(work, "plan.json");
  const outDir = resolve(process.env.ROSTER_DEMO_OUT || join(root, "demo", "out"));
  await mkdir(outDir, { recursive: true });
  const htmlFile = join(outDir, "plan.html");
  const planned = await step("2. the pull request's plan", [
    "plan",
    ...connection,
    "--no-auth-methods",
    "--out",
    planFile,
    "--html",
    htmlFile,
    "--detailed-exitcode",
  ]);
  failed ||= planned === 1;
  io.stdout(`\nThe plan as a page: open ${relative(process.cwd(), htmlFile) || htmlFile} in a browser.\n`);
  failed ||=
    (await step(
      "3. the apply on merge: plan afresh and apply",
      ["apply", ...connection, "--auto-approve"],
      "roster-apply",
    )) !== 0;
  const after = await step(
    "4. the drift check: nothing left to do",
    ["plan", ...connection, "--detailed-exitcode"],
    "roster-drift",
  );
  if (after !== 0) {
    io.stderr("demo: the second plan is not empty: apply did not converge\n");
    failed = true;
  }
} finally {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
