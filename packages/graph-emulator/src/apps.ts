// App registrations of the emulated tenant: who may call, and with which application permissions.
// A state file may declare `apps: [{ token, permissions, displayName?, appId? }]`; a bearer token
// then stands for its app (as a real token carries the app's `roles` claim), an unknown token is
// refused with 401, and each route needs the permissions of permissions.ts. Without apps, any
// token is an app holding every permission, for quick experiments.
import { uuidFromName } from "./ids.js";
import { KNOWN_PERMISSIONS } from "./permissions.js";
import type { Caller } from "./types.js";

/** One app registration as the state file writes it. */
export interface StateApp {
  /** The bearer token that stands for this app (ROSTER_ACCESS_TOKEN for roster). */
  token: string;
  /** Application permissions granted with admin consent, e.g. "User.Read.All". */
  permissions: string[];
  displayName?: string;
  /** The application (client) id; derived from the token when absent. */
  appId?: string;
}

export interface AppRegistration extends Caller {
  token: string;
  permissions: ReadonlySet<string>;
}

/** The caller when the state declares no apps (or the emulator runs with `anyToken`). */
export const ANY_APP: Caller = {
  appId: uuidFromName("app", "roster-emulator-client"),
  displayName: "any token",
  permissions: undefined,
};

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEYS = ["token", "permissions", "displayName", "appId"];

/** Reads the state's `apps`; throws an Error naming the entry for anything Graph could not hold. */
export function readApps(raw: unknown): AppRegistration[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error("`apps` must be an array of app registrations");
  const tokens = new Set<string>();
  return raw.map((entry, index) => {
    const at = `apps[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new Error(`${at} must be an object with a token and permissions`);
    const app = entry as Record<string, unknown>;
    const unknownKey = Object.keys(app).find((key) => !KEYS.includes(key));
    if (unknownKey !== undefined) throw new Error(`${at} has an unknown property '${unknownKey}'`);
    const { token, permissions, displayName, appId } = app;
    if (typeof token !== "string" || !/^\S+$/.test(token))
      throw new Error(`${at}.token must be a non-empty string without spaces`);
    if (tokens.has(token)) throw new Error(`${at}.token is used by another app`);
    tokens.add(token);
    if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === "string"))
      throw new Error(`${at}.permissions must be an array of permission names`);
    const unknown = permissions.find((p) => !KNOWN_PERMISSIONS.has(p));
    if (unknown !== undefined) {
      throw new Error(
        `${at}.permissions: '${unknown}' is not a permission any emulated route needs (known: ${[...KNOWN_PERMISSIONS].sort().join(", ")})`,
      );
    }
    if (displayName !== undefined && typeof displayName !== "string")
      throw new Error(`${at}.displayName must be a string`);
    if (appId !== undefined && (typeof appId !== "string" || !GUID.test(appId)))
      throw new Error(`${at}.appId must be a GUID`);
    return {
      token,
      permissions: new Set(permissions as string[]),
      displayName: displayName ?? `app ${index + 1}`,
      appId: appId ?? uuidFromName("app", token),
    };
  });
}

/** The apps as the state file writes them (for `GET /_emulator/state`). */
export function dumpApps(apps: readonly AppRegistration[]): StateApp[] {
  return apps.map((app) => ({
    token: app.token,
    permissions: [...app.permissions],
    displayName: app.displayName,
    appId: app.appId,
  }));
}
