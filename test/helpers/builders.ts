// Small builders for desired profiles and tenant users, so plan tests read as scenarios.
import type { RosterConfig } from "../../src/config/load.js";
import { DEFAULT_CONFIG } from "../../src/config/load.js";
import type { AuthMethodKind, DesiredPhoto, DesiredProfile, Sourced } from "../../src/desired/types.js";
import type { ActualUser } from "../../src/tenant/types.js";

let line = 0;
/** A value with a made-up but distinct source position in `file`. */
export function at<T>(value: T, file = "profiles/p.yaml"): Sourced<T> {
  line += 1;
  return { value, source: { file, line, col: 1 } };
}

export interface ProfileSpec {
  upn: string;
  id?: string;
  file?: string;
  attributes?: Record<string, unknown>;
  manager?: string | null;
  photo?: { file: string } | null;
  authentication?: Partial<Record<AuthMethodKind, string | null>>;
}

export function profile(spec: ProfileSpec): DesiredProfile {
  const file = spec.file ?? `profiles/${spec.upn.split("@")[0]?.toLowerCase()}.yaml`;
  const p: DesiredProfile = {
    file,
    userPrincipalName: at(spec.upn, file),
    attributes: new Map(Object.entries(spec.attributes ?? {}).map(([k, v]) => [k, at(v, file)])),
    authentication: {},
  };
  if (spec.id) p.id = at(spec.id, file);
  if (spec.manager !== undefined) p.manager = at(spec.manager, file);
  if (spec.photo !== undefined) {
    const source = at(null, file).source;
    const photo: DesiredPhoto =
      spec.photo === null
        ? { kind: "none", source }
        : { kind: "file", path: spec.photo.file, absolutePath: `/repo/${spec.photo.file}`, source };
    p.photo = photo;
  }
  for (const [kind, value] of Object.entries(spec.authentication ?? {})) {
    p.authentication[kind as AuthMethodKind] = at(value ?? null, file);
  }
  return p;
}

export function user(spec: Partial<ActualUser> & { userPrincipalName: string }): ActualUser {
  return {
    id: spec.id ?? `id-${spec.userPrincipalName.toLowerCase()}`,
    onPremisesSyncEnabled: false,
    previouslySynced: false,
    properties: {},
    manager: null,
    photo: null,
    authentication: { phoneMethods: [], emailMethods: [] },
    roles: [],
    ...spec,
  };
}

export function config(overrides: Partial<RosterConfig> = {}): RosterConfig {
  return { tenant: "contoso.onmicrosoft.com", ...DEFAULT_CONFIG, ...overrides };
}
