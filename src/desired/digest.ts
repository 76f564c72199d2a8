// A digest of everything the desired state is made from: roster.yaml, every profile and defaults
// file, every photo a profile uses. A plan records it, so an auditor can tell which state of the
// repository it was made from. (Apply does not rely on it: it re-plans and compares, plan/compare.ts.)
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CONFIG_FILE } from "../config/load.js";
import type { DesiredState } from "./types.js";

export async function desiredStateDigest(state: DesiredState): Promise<string> {
  const photos = state.profiles.flatMap((p) => (p.photo?.kind === "file" ? [p.photo.path] : []));
  const paths = [...new Set([CONFIG_FILE, ...state.files, ...photos])].sort();
  const hash = createHash("sha256");
  for (const path of paths) {
    // Each file by its own sha256: those the loader read are not read again.
    const digest =
      state.fileDigests?.get(path) ??
      createHash("sha256")
        .update(await readFile(join(state.root, path)))
        .digest("hex");
    hash.update(`${path}\0${digest}\n`);
  }
  return `sha256:${hash.digest("hex")}`;
}
