// `npm run bench`: speed and memory figures, measured here rather than asserted in tests.
// Generates its inputs in a temporary folder (nothing is written to the repository but
// bench/out/results.json, which git ignores) and prints one line per figure.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caTrustingFetch, startEmulator, type TenantState } from "@roster/graph-emulator";
import { main } from "../src/cli.js";
import { validateRepository } from "../src/desired/validate.js";
import { captureIo } from "../src/io.js";

const results: Record<string, number> = {};
const record = (name: string, value: number, unit: string) => {
  results[name] = value;
  console.log(`${name.padEnd(44)} ${value.toFixed(unit === "MB" ? 1 : 0).padStart(10)} ${unit}`);
};
const heapMb = () => process.memoryUsage().heapUsed / 1024 / 1024;
const departments = ["Engineering", "Sales", "Retail", "Finance"];

async function writeProfiles(root: string, count: number): Promise<void> {
  await writeFile(join(root, "roster.yaml"), "tenant: contoso.onmicrosoft.com\n");
  await mkdir(join(root, "profiles"), { recursive: true });
  await writeFile(join(root, "profiles", "_defaults.yaml"), "companyName: Contoso\nusageLocation: US\n");
  for (const department of departments) {
    const dir = join(root, "profiles", department.toLowerCase());
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "_defaults.yaml"),
      `department: ${department}\nemployeeOrgData: { division: ${department} }\n`,
    );
  }
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const department = departments[i % departments.length] as string;
    const text = [
      `userPrincipalName: user${i}@contoso.com`,
      `displayName: User ${i}`,
      `givenName: User`,
      `surname: "${i}"`,
      `jobTitle: Title ${i % 50}`,
      `officeLocation: Building ${i % 30}`,
      `businessPhones: ["+1 425 555 ${String(i % 10000).padStart(4, "0")}"]`,
      `employeeOrgData: { costCenter: "${1000 + (i % 90)}" }`,
      `onPremisesExtensionAttributes: { extensionAttribute1: badge-${i} }`,
      "",
    ].join("\n");
    writes.push(writeFile(join(root, "profiles", department.toLowerCase(), `user${i}.yaml`), text));
  }
  await Promise.all(writes);
}

function tenantState(count: number): TenantState {
  const users = Array.from({ length: count }, (_, i) => ({
    userPrincipalName: `user${i}@contoso.com`,
    displayName: `User ${i}`,
    jobTitle: `Title ${(i + 1) % 50}`,
  }));
  return {
    tenant: { id: "c0d1e2f3-0000-4000-8000-000000000001", domains: ["contoso.com"] },
    users,
  } as TenantState;
}

const work = await mkdtemp(join(tmpdir(), "roster-bench-"));
try {
  // 1. Loading and validating 10,000 profiles (YAML, schema, defaults, cross-file checks).
  await writeProfiles(work, 10_000);
  const heapBefore = heapMb();
  let t = performance.now();
  const validation = await validateRepository(work);
  record("validate: 10,000 profiles", performance.now() - t, "ms");
  record("validate: heap growth", heapMb() - heapBefore, "MB");
  if (validation.diagnostics.length > 0)
    throw new Error(`bench profiles do not validate: ${validation.diagnostics[0]?.message}`);

  // 2. The emulator loading 100,000 users.
  t = performance.now();
  const big = await startEmulator({ state: tenantState(100_000) });
  record("emulator: load 100,000 users", performance.now() - t, "ms");
  await big.close();

  // 3. A plan of 10,000 managed users against a 10,000-user tenant, every one changed.
  const emulator = await startEmulator({ state: tenantState(10_000) });
  await writeFile(join(work, "ca.pem"), emulator.caPem);
  const io = captureIo({ env: { ROSTER_ACCESS_TOKEN: "bench" }, cwd: work });
  t = performance.now();
  const code = await main(
    [
      "node",
      "roster",
      "plan",
      "--dir",
      work,
      "--graph-url",
      emulator.origin,
      "--ca-cert",
      join(work, "ca.pem"),
      "--format",
      "json",
    ],
    io,
  );
  record("plan: 10,000 users (all changed)", performance.now() - t, "ms");
  const log = (await (
    await caTrustingFetch(emulator.caPem)(`${emulator.origin}/_emulator/requests`)
  ).json()) as {
    requests: unknown[];
  };
  record("plan: Graph requests for 10,000 users", log.requests.length, "requests");
  await emulator.close();
  if (code !== 0) throw new Error(`plan exited ${code}: ${io.err()}`);

  await mkdir(join(import.meta.dirname, "out"), { recursive: true });
  await writeFile(join(import.meta.dirname, "out", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}
