// Repository paths that a pull request could turn into symbolic links to files outside it.
import { lstat } from "node:fs/promises";

/** Whether `path` itself is a symbolic link (false when it does not exist: the caller reports that). */
export async function isSymbolicLink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}
