// `roster validate` as a function: load everything, run every offline rule, return the findings.
import { type Diagnostic, sortDiagnostics } from "../diagnostics.js";
import { mapLimit } from "../util/map-limit.js";
import { crossFileChecks } from "./checks.js";
import { loadDesiredState } from "./load.js";
import { checkPhoto } from "./photo-check.js";
import type { DesiredState } from "./types.js";

/** Photos decoded at once; sharp runs each on libuv's thread pool. */
const PHOTO_CHECK_CONCURRENCY = 8;

export interface ValidationResult {
  state: DesiredState | undefined;
  /** Sorted by file, line and column. */
  diagnostics: Diagnostic[];
}

export async function validateRepository(
  root: string,
  options: { checkPhotos?: boolean } = {},
): Promise<ValidationResult> {
  const loaded = await loadDesiredState(root);
  const diagnostics = [...loaded.diagnostics];
  const profiles = loaded.state?.profiles ?? [];
  diagnostics.push(...crossFileChecks(profiles, loaded.state?.config));
  if (options.checkPhotos !== false) {
    const photoFindings = await mapLimit(profiles, PHOTO_CHECK_CONCURRENCY, (profile) =>
      checkPhoto(root, profile),
    );
    diagnostics.push(...photoFindings.flat());
  }
  return { state: loaded.state, diagnostics: sortDiagnostics(diagnostics) };
}
