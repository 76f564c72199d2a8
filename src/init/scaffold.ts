// `roster init` as a function: the files of a tenant repository (design.md, "Layout"): roster.yaml,
// profiles/, photos/, the plan, apply and drift workflows, a package.json that pins roster, editor
// settings and a README. Templates are files of roster's package (templates/tenant/); the workflows
// are roster's own (.github/workflows/), which install roster with `npm ci` and run its bin, so a
// tenant repository runs exactly what roster's repository runs and never holds a copy of src/.
// Nothing is written unless every file can be written new: init never overwrites anything.
import { constants } from "node:fs";
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { VERSION } from "../version.js";

/** roster's package root: two levels above this module, in src/ as in dist/. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TEMPLATE_DIR = join(PACKAGE_ROOT, "templates", "tenant");
const WORKFLOWS = ["plan.yml", "apply.yml", "drift.yml"];
/** npm leaves every `.gitignore` out of a package, so the template is kept without its dot. */
const RENAMED: Record<string, string> = { gitignore: ".gitignore" };
const VENDOR_DIR = "vendor";
const PLACEHOLDER_TENANT = "YOUR-TENANT.onmicrosoft.com";

export interface InitRequest {
  /** The new repository's folder, absolute; created when missing. */
  dir: string;
  /** Tenant domain or GUID for roster.yaml. */
  tenant?: string;
  /** How package.json pins roster: a local tarball (copied into vendor/), a git URL, an npm alias. */
  pin?: string;
  /** Where a relative tarball path is read from. */
  cwd: string;
}

export interface InitResult {
  /** Files written, repository-relative, sorted. */
  files: string[];
  /** The dependency spec written to package.json. */
  pin: string;
  /** The tarball package.json pins is not in vendor/ yet (no --pin given). */
  tarballMissing: boolean;
  /** roster.yaml names a placeholder tenant (no --tenant given). */
  tenantPlaceholder: boolean;
}

interface PlannedFile {
  path: string;
  content?: Buffer;
  /** Copied instead of written (a tarball). */
  from?: string;
}

export async function scaffold(request: InitRequest): Promise<InitResult> {
  const tenant = request.tenant ?? PLACEHOLDER_TENANT;
  if (request.tenant !== undefined) checkTenant(request.tenant);
  const pin = await resolvePin(request.pin, request.cwd);
  const values: Record<string, string> = {
    tenant,
    name: packageName(request.dir),
    pin: pin.spec,
    version: VERSION,
  };

  const planned: PlannedFile[] = [];
  for (const file of await listFiles(TEMPLATE_DIR)) {
    const target = posix.join(posix.dirname(file), RENAMED[posix.basename(file)] ?? posix.basename(file));
    const text = await readFile(join(TEMPLATE_DIR, file), "utf8");
    planned.push({ path: target, content: Buffer.from(fillIn(text, values, file.endsWith(".json"))) });
  }
  for (const workflow of WORKFLOWS) {
    const path = posix.join(".github", "workflows", workflow);
    planned.push({ path, content: await readFile(join(PACKAGE_ROOT, path)) });
  }
  if (pin.vendor) planned.push({ path: pin.vendor.path, from: pin.vendor.from });

  const folder = await stat(request.dir).catch(() => undefined);
  if (folder && !folder.isDirectory())
    throw new UsageError(`${request.dir} is a file, not a folder`, { hint: "name a new or empty folder" });
  const conflicts: string[] = [];
  for (const file of planned) if (await exists(join(request.dir, file.path))) conflicts.push(file.path);
  if (conflicts.length > 0)
    throw new UsageError(
      `${request.dir} already has ${conflicts.sort().slice(0, 5).join(", ")}${conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : ""}: roster init overwrites nothing`,
      { hint: "init into a new or empty folder, or move those files away first" },
    );

  for (const file of planned) {
    const target = join(request.dir, file.path);
    try {
      await mkdir(dirname(target), { recursive: true });
      // wx / COPYFILE_EXCL: should a file appear meanwhile, fail rather than overwrite it.
      if (file.from !== undefined) await copyFile(file.from, target, constants.COPYFILE_EXCL);
      else await writeFile(target, file.content as Buffer, { flag: "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`cannot write ${target}: ${code}`, {
        hint: "check the folder's permissions; files written before this one are left in place",
      });
    }
  }
  return {
    files: planned.map((f) => f.path).sort(),
    pin: pin.spec,
    tarballMissing: request.pin === undefined,
    tenantPlaceholder: request.tenant === undefined,
  };
}

function checkTenant(tenant: string): void {
  const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const domain = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
  if (!guid.test(tenant) && !domain.test(tenant))
    throw new UsageError(`--tenant ${tenant}: not a tenant domain or id`, {
      hint: "give the tenant's domain (contoso.onmicrosoft.com, or a verified domain) or its GUID",
    });
}

/**
 * The spec package.json gets. A local tarball is copied into vendor/ and pinned by path (the
 * repository then installs roster with no registry at all); git URLs, tarball URLs and npm aliases
 * are written as given. A bare version or range is refused: `roster` on the npm registry is
 * another package, and installing it would run a stranger's code with the tenant's credentials.
 */
async function resolvePin(
  pin: string | undefined,
  cwd: string,
): Promise<{ spec: string; vendor?: { path: string; from: string } }> {
  if (pin === undefined) return { spec: `file:${VENDOR_DIR}/roster-${VERSION}.tgz` };
  const trimmed = pin.trim();
  const localPath = trimmed.replace(/^file:/, "");
  if (/\.(tgz|tar\.gz)$/i.test(localPath) && !/^[a-z+]+:\/\//i.test(localPath)) {
    const from = resolve(cwd, localPath);
    if (!(await exists(from)))
      throw new UsageError(`--pin ${pin}: no such file`, { hint: "name roster's tarball (from `npm pack`)" });
    const path = posix.join(VENDOR_DIR, basename(from));
    return { spec: `file:${path}`, vendor: { path, from } };
  }
  if (trimmed === "" || /^([~^<>=*]|\d|latest$|next$|x$)/i.test(trimmed))
    throw new UsageError(`--pin ${pin}: roster is not installed from the npm registry by version`, {
      hint:
        "`roster` on the npm registry is another package: pin roster's tarball (--pin ./roster-" +
        `${VERSION}.tgz), a git tag or commit (--pin github:ORG/roster#v${VERSION}), or your registry's ` +
        `scoped copy (--pin npm:@your-scope/roster@${VERSION})`,
    });
  return { spec: trimmed };
}

/** Replaces `{{tenant}}`, `{{name}}`, `{{pin}}`, `{{version}}`; inside JSON strings, JSON-escaped. */
function fillIn(text: string, values: Record<string, string>, json: boolean): string {
  return text.replace(/\{\{(tenant|name|pin|version)\}\}/g, (_, key: string) => {
    const value = values[key] as string;
    return json ? JSON.stringify(value).slice(1, -1) : value;
  });
}

/** An npm package name from the folder's name: lower case, URL-safe, `entra-profiles` at worst. */
export function packageName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "")
    .slice(0, 214);
  return name === "" ? "entra-profiles" : name;
}

/** Every file below `dir`, relative with `/`, sorted. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
