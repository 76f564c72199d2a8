// GET /users/delta: a first round that pages through every user and ends in an
// `@odata.deltaLink`, then rounds that return only users changed since the token was issued.
// Tokens carry `$select` and the id filter, as Graph's do: later calls send only the token.
import { badRequest, unsupportedQuery } from "./errors.js";
import { checkOptions, decodeToken, encodeToken, parseSelect } from "./odata.js";
import type { Store } from "./store.js";
import type { EmulatorRequest, EmulatorResponse, StoredUser } from "./types.js";
import { DEFAULT_SELECT } from "./user-schema.js";

const PAGE_SIZE = 200;
const MAX_IDS = 50;

interface DeltaToken {
  run: string;
  /** Changes after this sequence number are reported. 0 with `initial` = every user. */
  since: number;
  /** Sequence number when the round started: the deltaLink continues from it. */
  upTo: number;
  initial: boolean;
  pos: number;
  select: string[] | null;
  ids: string[] | null;
}

export function handleDelta(store: Store, req: EmulatorRequest): EmulatorResponse {
  const { query } = req;
  for (const option of ["$top", "$expand", "$orderby", "$count", "$search"]) {
    if (query.has(option))
      throw unsupportedQuery(`The query option '${option}' is not supported with delta queries on users.`);
  }
  checkOptions(query, ["$select", "$filter", "$skiptoken", "$deltatoken"]);
  const skiptoken = query.get("$skiptoken");
  const deltatoken = query.get("$deltatoken");
  let token: DeltaToken;
  if (skiptoken !== null || (deltatoken !== null && deltatoken !== "latest")) {
    if (query.has("$select") || query.has("$filter")) {
      throw badRequest(
        "Query options must be given on the first delta request only; the tokens carry them.",
        "BadRequest",
      );
    }
    token = readToken(store, (skiptoken ?? deltatoken)!);
    if (deltatoken !== null) token = { ...token, since: token.upTo, upTo: store.seq, initial: false, pos: 0 };
  } else {
    const select = parseDeltaSelect(query.get("$select"));
    const ids = parseIdFilter(query.get("$filter"));
    token = { run: store.instance, since: 0, upTo: store.seq, initial: true, pos: 0, select, ids };
    if (deltatoken === "latest") {
      return page(req, [], { ...token, initial: false, since: store.seq }, true);
    }
  }
  const minimal = /return=minimal/i.test(req.headers.prefer ?? "");
  const entries = token.initial
    ? store.all().map((user) => ({ user, changed: undefined as string[] | undefined }))
    : store
        .changedSince(token.since)
        .map(({ user, changed }) => ({ user, changed: minimal ? changed : undefined }));
  const wanted = token.ids ? new Set(token.ids.map((id) => id.toLowerCase())) : undefined;
  const items: Record<string, unknown>[] = [];
  let i = token.pos;
  for (; i < entries.length && items.length < PAGE_SIZE; i++) {
    const { user, changed } = entries[i]!;
    if (wanted && !wanted.has(user.props.id.toLowerCase())) continue;
    const view = store.view(user);
    if (!view) continue;
    items.push(renderDeltaUser(store, user, view.props, view.managerId, token.select, changed));
  }
  const done = i >= entries.length;
  return page(
    req,
    items,
    done ? { ...token, since: token.upTo, pos: 0, initial: false } : { ...token, pos: i },
    done,
  );
}

function page(
  req: EmulatorRequest,
  value: Record<string, unknown>[],
  token: DeltaToken,
  done: boolean,
): EmulatorResponse {
  const link = done
    ? { "@odata.deltaLink": `${req.origin}/v1.0/users/delta?$deltatoken=${encodeToken(token)}` }
    : { "@odata.nextLink": `${req.origin}/v1.0/users/delta?$skiptoken=${encodeToken(token)}` };
  return { status: 200, body: { "@odata.context": `${req.origin}/v1.0/$metadata#users`, ...link, value } };
}

/** Delta shows `id` plus the selected properties that have a value (unset ones are omitted). */
function renderDeltaUser(
  store: Store,
  user: StoredUser,
  props: Record<string, unknown>,
  managerId: string | undefined,
  select: string[] | null,
  changed: string[] | undefined,
): Record<string, unknown> {
  const names = (select ?? [...DEFAULT_SELECT]).filter((n) => n !== "manager");
  const out: Record<string, unknown> = { id: user.props.id };
  for (const name of names) {
    if (changed && !changed.includes(name)) continue;
    const value = props[name];
    if (value !== undefined && (value !== null || changed)) out[name] = value;
  }
  const tracksManager = select?.includes("manager") ?? false;
  // Full rounds annotate users that have a manager; minimal rounds annotate manager changes only.
  if (tracksManager && (changed ? changed.includes("manager") : managerId !== undefined)) {
    out["manager@delta"] = managerId
      ? [{ "@odata.type": "#microsoft.graph.user", id: store.find(managerId)?.props.id ?? managerId }]
      : [];
  }
  return out;
}

/** Like `$select`, plus `manager`, which makes delta track manager changes (`manager@delta`). */
function parseDeltaSelect(raw: string | null): string[] | null {
  if (raw === null) return null;
  const names = raw.split(",").map((s) => s.trim());
  const others = names.filter((n) => n !== "manager" && n !== "");
  const selected = others.length > 0 ? (parseSelect(others.join(","), true) ?? []) : [];
  return names.includes("manager") ? [...selected, "manager"] : selected;
}

function parseIdFilter(raw: string | null): string[] | null {
  if (raw === null) return null;
  const clauses = raw.split(/\s+or\s+/i);
  const ids = clauses.map((clause) => /^\s*id\s+eq\s+'([^']+)'\s*$/.exec(clause)?.[1]);
  if (ids.some((id) => id === undefined)) {
    throw unsupportedQuery("Delta on users supports only $filter=id eq '...' or id eq '...'.");
  }
  if (ids.length > MAX_IDS) throw unsupportedQuery(`A delta filter may name at most ${MAX_IDS} ids.`);
  return ids as string[];
}

function readToken(store: Store, raw: string): DeltaToken {
  const token = decodeToken(raw) as Partial<DeltaToken>;
  if (
    token.run !== store.instance ||
    typeof token.since !== "number" ||
    typeof token.pos !== "number" ||
    token.since > store.seq
  ) {
    throw badRequest(
      "The specified delta token is invalid or has expired. Start a new delta round.",
      "syncStateNotFound",
    );
  }
  return token as DeltaToken;
}
