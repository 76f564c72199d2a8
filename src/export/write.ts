// Writing the exported files without losing anyone's work: a file that exists with other content is
// left alone unless `--force`, and reported; one with the same content is not touched at all (its
// modification time stays, and git sees nothing).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { RosterError } from "../errors.js";

/** A file the export could not write (permissions, a full disk, a folder where a file goes). */
export class ExportWriteError extends RosterError {}

export type WriteOutcome = "written" | "unchanged" | "overwritten" | "skipped";

export interface FileWriter {
  /**
   * Writes `bytes` to the repository-relative `file`. `same` may decide that an existing file
   * with other bytes holds the same thing (a photo re-encoded since): it is then left as it is.
   */
  write(
    file: string,
    bytes: Buffer,
    same?: (existing: Buffer) => Promise<boolean> | boolean,
  ): Promise<WriteOutcome>;
  /** Files left alone because they differ, repository-relative, sorted. */
  skipped(): string[];
  counts(): Record<WriteOutcome, number>;
}

export function fileWriter(root: string, options: { force: boolean }): FileWriter {
  const counts: Record<WriteOutcome, number> = { written: 0, unchanged: 0, overwritten: 0, skipped: 0 };
  const skipped: string[] = [];
  const madeDirs = new Set<string>();
  return {
    async write(file, bytes, same) {
      const path = join(root, file);
      const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return undefined;
        throw new ExportWriteError(`cannot read ${file}: ${error.code ?? error}`, {
          hint: "move it out of the way (a folder, or a file roster may not read), then export again",
        });
      });
      let outcome: WriteOutcome;
      if (existing === undefined) outcome = "written";
      else if (existing.equals(bytes) || (same !== undefined && (await same(existing))))
        outcome = "unchanged";
      else outcome = options.force ? "overwritten" : "skipped";
      counts[outcome]++;
      if (outcome === "skipped") skipped.push(file);
      if (outcome === "written" || outcome === "overwritten") {
        try {
          const dir = dirname(path);
          if (!madeDirs.has(dir)) {
            await mkdir(dir, { recursive: true });
            madeDirs.add(dir);
          }
          await writeFile(path, bytes);
        } catch (error) {
          throw new ExportWriteError(
            `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`,
            {
              hint: "check the permissions of the repository's folders, then export again",
            },
          );
        }
      }
      return outcome;
    },
    skipped: () => [...skipped].sort(),
    counts: () => ({ ...counts }),
  };
}

/** For text files: equal once a checkout's CRLF line ends (git's autocrlf) are read as LF. */
export function sameTextIgnoringCrlf(text: string): (existing: Buffer) => boolean {
  return (existing) => existing.includes(13) && existing.toString("utf8").replace(/\r\n/g, "\n") === text;
}
