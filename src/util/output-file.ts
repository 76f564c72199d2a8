// Output files (`--out`, `--html`, `--report`) are checked before anything is read or written, so a
// typo in a path never costs a tenant read, and never turns a finished apply into a stack trace.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";

/** Throws a one-line UsageError naming the flag when `file` cannot be written. */
export async function assertWritableFile(cwd: string, file: string, flag: string): Promise<void> {
  const path = resolve(cwd, file);
  const folder = dirname(path);
  const folderInfo = await stat(folder).catch(() => undefined);
  if (!folderInfo) throw new UsageError(`${flag} ${file}: the folder ${folder} does not exist`);
  if (!folderInfo.isDirectory()) throw new UsageError(`${flag} ${file}: ${folder} is not a folder`);
  const fileInfo = await stat(path).catch(() => undefined);
  if (fileInfo?.isDirectory()) throw new UsageError(`${flag} ${file}: that is a folder, not a file`);
  try {
    await access(fileInfo ? path : folder, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${file}: no permission to write ${fileInfo ? "it" : `in ${folder}`}`);
  }
}
