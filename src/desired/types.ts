// The desired state: what the repository says each managed user should look like, with the file
// and position every value came from (the plan names it; validation points at it).
import type { RosterConfig } from "../config/load.js";
import type { SourcePosition } from "../diagnostics.js";

/** A value and where it was written (a profile or one of its `_defaults.yaml`). */
export interface Sourced<T = unknown> {
  value: T;
  source: SourcePosition;
}

/** Authentication contact methods, as keyed in a profile's `authentication:`. */
export const AUTH_METHOD_KINDS = ["mobile", "alternateMobile", "office", "email"] as const;
export type AuthMethodKind = (typeof AUTH_METHOD_KINDS)[number];

/**
 * The desired photo. `undefined` on the profile means the photo is not managed (no `photo:` key and
 * no `photos/<stem>.*` file); `{ kind: "none" }` means `photo: null` (the user must have no photo).
 */
export type DesiredPhoto =
  | { kind: "none"; source: SourcePosition }
  | {
      kind: "file";
      /** Repository-relative path, e.g. `photos/adele.vance.jpg`. */
      path: string;
      absolutePath: string;
      /** Where it was named: the `photo:` key, or the profile file itself for the default name. */
      source: SourcePosition;
    };

export interface DesiredProfile {
  /** Repository-relative path of the profile file. */
  file: string;
  userPrincipalName: Sourced<string>;
  id?: Sourced<string>;
  /**
   * Managed Graph attributes keyed by path: a top-level property (`jobTitle`), or `object.subKey`
   * for the objects in PER_SUB_KEY_OBJECTS (src/entra/attributes.ts). Only keys present in the files appear here.
   */
  attributes: Map<string, Sourced>;
  /** Manager UPN; `null` value = must have no manager; absent = not managed. */
  manager?: Sourced<string | null>;
  photo?: DesiredPhoto;
  authentication: Partial<Record<AuthMethodKind, Sourced<string | null>>>;
}

export interface DesiredState {
  /** Absolute path of the repository root. */
  root: string;
  config: RosterConfig;
  profiles: DesiredProfile[];
  /** Every profile and `_defaults.yaml` file read, repository-relative and sorted. */
  files: string[];
  /** sha256 (hex) of each of those files as read, so the desired-state digest need not read them again. */
  fileDigests?: ReadonlyMap<string, string>;
}
