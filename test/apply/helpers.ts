// Plumbing for the apply tests: a copy of the example repository (so each test may edit roster.yaml
// and keeps its own photo cache), the demo tenant in an in-process emulator, the real CLI entry,
// and the emulator's control routes (state dump, request log, faults).
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningEmulator, startEmulator, type TenantState } from "@roster/graph-emulator";
import { afterAll } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo, type Io } from "../../src/io.js";
import { demoToken } from "../helpers/demo-apps.js";
import { control, type LoggedRequest } from "../helpers/emulator.js";

export { control, type LoggedRequest, requestLog } from "../helpers/emulator.js";

export const ROOT = join(import.meta.dirname, "..", "..");
export const DEMO_STATE = join(ROOT, "demo", "tenant.json");

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "roster-apply-"));
  made.push(dir);
  return dir;
}

/** The example repository (roster.yaml, profiles/, photos/) in a temporary folder. */
export async function copyRepo(edit?: (rosterYaml: string) => string): Promise<string> {
  const dir = await tempDir();
  for (const part of ["profiles", "photos"]) await cp(join(ROOT, part), join(dir, part), { recursive: true });
  const config = await readFile(join(ROOT, "roster.yaml"), "utf8");
  await writeFile(join(dir, "roster.yaml"), edit ? edit(config) : config);
  return dir;
}

export interface Demo {
  em: RunningEmulator;
  dir: string;
  work: string;
  /** Runs `roster <args> --dir <dir> --graph-url … --ca-cert …`. */
  roster(args: string[], io?: Partial<Io>): Promise<{ code: number; out: string; err: string }>;
  close(): Promise<void>;
}

export async function startDemo(options: { dir?: string; state?: TenantState } = {}): Promise<Demo> {
  const em = await startEmulator({
    ...(options.state ? { state: options.state } : { statePath: DEMO_STATE }),
    onInternalError: (err) => console.error("emulator internal error", err),
  });
  const dir = options.dir ?? (await copyRepo());
  const work = await tempDir();
  const caCert = join(work, "ca.pem");
  await writeFile(caCert, em.caPem);
  return {
    em,
    dir,
    work,
    async roster(args, io = {}) {
      // As the write app of the demo tenant (any token does for a state without apps).
      const captured = captureIo({
        env: { ROSTER_ACCESS_TOKEN: demoToken("roster-apply") },
        cwd: work,
        ...io,
      });
      const code = await main(
        ["node", "roster", ...args, "--dir", dir, "--graph-url", em.origin, "--ca-cert", caCert],
        captured,
      );
      return { code, out: captured.out(), err: captured.err() };
    },
    close: () => em.close(),
  };
}

export type DumpedUser = TenantState["users"][number] & Record<string, unknown>;

export async function users(em: RunningEmulator): Promise<Map<string, DumpedUser>> {
  const state = (await control(em, "GET", "/_emulator/state")) as TenantState;
  return new Map(state.users.map((u) => [u.userPrincipalName.toLowerCase(), u as DumpedUser]));
}

/** Writes (not reads, not the `$batch` envelope) in the log. */
export function writes(log: readonly LoggedRequest[]): LoggedRequest[] {
  return log.filter((r) => r.method !== "GET" && r.path !== "/$batch");
}

/** The user id a Graph path addresses (`/users/{id}/…`). */
export function userOf(path: string): string {
  return decodeURIComponent(path.split("/")[2] ?? "").toLowerCase();
}

export function phones(user: DumpedUser | undefined): { phoneType: string; phoneNumber: string }[] {
  return (
    (user?.authentication as { phoneMethods?: { phoneType: string; phoneNumber: string }[] } | undefined)
      ?.phoneMethods ?? []
  );
}

export function emails(user: DumpedUser | undefined): { emailAddress: string }[] {
  return (
    (user?.authentication as { emailMethods?: { emailAddress: string }[] } | undefined)?.emailMethods ?? []
  );
}
