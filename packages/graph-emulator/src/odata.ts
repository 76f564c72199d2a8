// Query options for the users collection and single users: `$select`, `$top`, `$expand`,
// `$count`, and the opaque `$skiptoken`. Graph rejects what it does not support instead of
// ignoring it, and so does this module: an option a client relies on must really be honoured.
import { badRequest, unknownProperty, unsupportedQuery } from "./errors.js";
import { GraphHttpError } from "./types.js";
import { DEFAULT_SELECT, propSpec } from "./user-schema.js";

export interface Expand {
  /** Properties of the expanded manager; undefined = its default set. */
  select: string[] | undefined;
  /** `$levels=n` (1–1000) or `max`: the manager chain that far up; undefined = the manager only. */
  levels?: number | "max";
}

/** `$levels=n` accepts 1 to 1000, or `max` (user-list-manager). */
const MAX_LEVELS = 1000;

/** True when the request opted into advanced queries (`ConsistencyLevel: eventual` + `$count=true`). */
export function isAdvanced(query: URLSearchParams, headers: Record<string, string>): boolean {
  return hasEventualConsistency(headers) && query.get("$count") === "true";
}

export function hasEventualConsistency(headers: Record<string, string>): boolean {
  return (headers.consistencylevel ?? "").toLowerCase() === "eventual";
}

/** Rejects any `$option` not in `allowed`; plain (non-`$`) parameters are left alone. */
export function checkOptions(query: URLSearchParams, allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of query.keys()) {
    if (!key.startsWith("$")) continue;
    if (seen.has(key))
      throw badRequest(
        `Query option '${key}' was specified more than once, but it must be specified at most once.`,
        "BadRequest",
      );
    seen.add(key);
    if (!allowed.includes(key)) {
      throw badRequest(
        `Query option '${key}' is not allowed. Allowed options: ${allowed.join(", ")}.`,
        "BadRequest",
      );
    }
  }
}

/** The property names a `$select` lists, trimmed, empty entries dropped (validation is the caller's). */
export function selectNames(raw: string): string[] {
  return raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/** selectNames, where a `$select` naming no property at all is Graph's 400. */
export function requiredSelectNames(raw: string): string[] {
  const names = selectNames(raw);
  if (names.length === 0) throw badRequest("Invalid $select: no properties given.", "BadRequest");
  return names;
}

/**
 * `$select` as a list of user property names, or undefined for the default set.
 * `collection` is true for list endpoints, where SharePoint-backed properties give 501.
 */
export function parseSelect(raw: string | null, collection: boolean): string[] | undefined {
  if (raw === null) return undefined;
  const names = requiredSelectNames(raw);
  for (const name of names) {
    if (name === "*") continue;
    const spec = propSpec(name);
    if (!spec) throw unknownProperty(name);
    if (collection && spec.sharePoint) {
      throw new GraphHttpError(
        501,
        "NotImplemented",
        `This operation target is not yet supported. Property '${name}' can only be read for a single user.`,
      );
    }
  }
  return [...new Set(names)];
}

/** `$top` for `/users`: 1..max (999), default 100. */
export function parseTop(raw: string | null, max: number): number {
  if (raw === null) return 100;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw unsupportedQuery(`Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`);
  }
  return value;
}

/**
 * `$expand=manager`, optionally with options in parentheses separated by `;`: `$select=a,b` and
 * `$levels=n|max` (user-list-manager: the chain up to n managers). Nothing else is expandable here.
 */
export function parseExpand(raw: string | null): Expand | undefined {
  if (raw === null) return undefined;
  if (raw.replace(/\([^)]*\)/g, "").includes(",")) {
    throw badRequest(
      "The result of parsing $expand contained at least 2 items, but the maximum allowed is 1.",
      "BadRequest",
    );
  }
  const match = /^\s*manager\s*(?:\(([^)]*)\))?\s*$/.exec(raw);
  if (!match) {
    const name = raw.split("(")[0]?.trim() ?? raw;
    if (name !== "manager")
      throw badRequest(`Could not find a property named '${name}' on type 'microsoft.graph.user'.`);
    throw invalidExpand(raw);
  }
  const expand: Expand = { select: undefined };
  if (match[1] === undefined) return expand;
  const seen = new Set<string>();
  for (const option of match[1].split(";")) {
    const [name = "", value = ""] = option.split("=").map((part) => part.trim());
    if (seen.has(name) || value === "") throw invalidExpand(raw);
    seen.add(name);
    if (name === "$select") expand.select = parseSelect(value, false);
    else if (name === "$levels") expand.levels = parseLevels(value);
    else throw invalidExpand(raw);
  }
  return expand;
}

function parseLevels(value: string): number | "max" {
  if (value.toLowerCase() === "max") return "max";
  const levels = Number(value);
  if (!/^\d+$/.test(value) || levels < 1 || levels > MAX_LEVELS)
    throw badRequest(
      `Invalid value '${value}' for $levels: use max or a number between 1 and ${MAX_LEVELS}.`,
      "BadRequest",
    );
  return levels;
}

function invalidExpand(raw: string): GraphHttpError {
  return badRequest(
    `Invalid $expand: '${raw}'. Only $select and $levels are supported inside $expand=manager(...).`,
    "BadRequest",
  );
}

/** Picks the requested properties from a user's props, Graph-style: unset values read as null / []. */
export function project(
  props: Record<string, unknown>,
  select: readonly string[] | undefined,
  empty: (name: string) => unknown,
): Record<string, unknown> {
  const names = select === undefined || select.includes("*") ? DEFAULT_SELECT : select;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = props[name];
    out[name] = value === undefined || value === null ? empty(name) : value;
  }
  return out;
}

/** `@odata.context` for users, reflecting `$select` like Graph: `#users(a,b)` / `#users(a,b)/$entity`. */
export function usersContext(origin: string, select: readonly string[] | undefined, entity: boolean): string {
  const selection = select === undefined ? "" : `(${select.join(",")})`;
  return `${origin}/v1.0/$metadata#users${selection}${entity ? "/$entity" : ""}`;
}

/** Opaque page tokens: base64url JSON, so they survive any URL handling unchanged. */
export function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeToken(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    "The specified page token value has expired and can no longer be included in your request.",
  );
}

/** The absolute link to the next page: the same query options, with `$skiptoken` replaced. */
export function nextLink(origin: string, path: string, query: URLSearchParams, skiptoken: string): string {
  const parts: string[] = [];
  for (const [key, value] of query) {
    if (key === "$skiptoken") continue;
    parts.push(`${key}=${encodeURIComponent(value).replace(/%2C/g, ",").replace(/%24/g, "$")}`);
  }
  parts.push(`$skiptoken=${skiptoken}`);
  return `${origin}/v1.0${path}?${parts.join("&")}`;
}

/** The offset a `$skiptoken` of this emulator's own nextLinks carries; 0 without one. */
export function pageStart(query: URLSearchParams): number {
  const skiptoken = query.get("$skiptoken");
  const start = skiptoken === null ? 0 : Number(decodeToken(skiptoken).p ?? Number.NaN);
  if (!Number.isInteger(start) || start < 0)
    throw badRequest(
      "The specified page token value has expired and can no longer be included in your request.",
    );
  return start;
}
