// `roster init [DIR]`: scaffold a tenant repository (src/init/scaffold.ts) and say what comes next.
// The list of files on stdout; the next steps on stderr. Exit 0, or 1 when anything is in the way.
import { relative, resolve } from "node:path";
import { scaffold } from "../init/scaffold.js";
import type { Io } from "../io.js";

export interface InitFlags {
  tenant?: string;
  pin?: string;
}

export async function runInit(dir: string | undefined, flags: InitFlags, io: Io): Promise<number> {
  const target = resolve(io.cwd, dir ?? ".");
  const result = await scaffold({
    dir: target,
    ...(flags.tenant !== undefined ? { tenant: flags.tenant } : {}),
    ...(flags.pin !== undefined ? { pin: flags.pin } : {}),
    cwd: io.cwd,
  });
  for (const file of result.files) io.stdout(`created ${file}\n`);
  const near = relative(io.cwd, target);
  const path = near === "" ? "." : near.startsWith("..") ? target : near;
  const shown = /\s/.test(path) ? JSON.stringify(path) : path;
  const steps: [string, string?][] = [
    ...(result.tenantPlaceholder
      ? [["set `tenant:` in roster.yaml to your tenant's domain or id"] as [string]]
      : []),
    ...(result.tarballMissing
      ? [
          [
            `put roster's tarball at ${result.pin.slice("file:".length)} (\`npm pack\` makes it), or init again with --pin`,
          ] as [string],
        ]
      : []),
    [`cd ${shown} && npm install`, `installs roster (${result.pin}); commit package-lock.json`],
    ["npx roster export", "profiles/ and photos/ from the tenant (sign in first: az login)"],
    ["npx roster validate && npx roster plan", "the plan shows no changes"],
    ["set up Azure and GitHub (README.md), then commit and push to main"],
  ];
  const width = Math.max(...steps.filter(([, why]) => why).map(([what]) => what.length));
  const lines = steps.map(
    ([what, why], i) => `  ${i + 1}. ${why ? `${what.padEnd(width)}   # ${why}` : what}`,
  );
  io.stderr(`next:\n${lines.join("\n")}\n`);
  return 0;
}
