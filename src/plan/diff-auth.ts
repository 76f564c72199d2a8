// Authentication contact methods: compared in Graph's canonical form (Graph reformats numbers),
// recorded masked in the plan with a digest of the tenant value for the stale-plan check.
import { createHash, createHmac } from "node:crypto";
import { AUTH_METHOD_KINDS, type AuthMethodKind, type Sourced } from "../desired/types.js";
import { canonicalPhoneNumber } from "../entra/phone.js";
import { isPrivilegedTarget } from "../entra/roles.js";
import type { ActualUser } from "../tenant/types.js";
import { maskAuthValue } from "./mask.js";
import { privilegedSkipReason, type UserDiff } from "./user-diff.js";

/** The kind of method an `authentication.<kind>` change path names. */
export function authKind(change: { path: string }): AuthMethodKind {
  return change.path.slice("authentication.".length) as AuthMethodKind;
}

/** The canonical form used for comparing, digesting and sending a method's value. */
export function canonicalAuthValue(kind: AuthMethodKind, value: string): string {
  return kind === "email" ? value.trim().toLowerCase() : (canonicalPhoneNumber(value) ?? value.trim());
}

/** Whether two values of a method are the same once canonical; `null` is "no method". */
export function sameAuthValue(kind: AuthMethodKind, a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return canonicalAuthValue(kind, a) === canonicalAuthValue(kind, b);
}

/**
 * HMAC-SHA256 of the canonical value under a key the plan does not hold (ROSTER_DIGEST_KEY): lets
 * apply tell that a masked value changed, while nobody holding only the plan file can test
 * candidate numbers against it (an unkeyed hash of a phone number falls to a search of seconds).
 */
export function authValueDigest(kind: AuthMethodKind, value: string | null, key: string): string {
  return `hmac-sha256:${createHmac("sha256", key)
    .update(value === null ? "" : canonicalAuthValue(kind, value))
    .digest("hex")}`;
}

/**
 * The digest of a value to write, which the repository itself holds (so an unkeyed hash hides
 * nothing a plan's reader could not read in profiles/): keyed when a key is given, else SHA-256.
 * Apply compares it, so a plan can never carry out a value nobody reviewed, key or no key.
 */
export function wantedValueDigest(
  kind: AuthMethodKind,
  value: string | null,
  key: string | undefined,
): string {
  if (key) return authValueDigest(kind, value, key);
  return `sha256:${createHash("sha256")
    .update(value === null ? "" : canonicalAuthValue(kind, value))
    .digest("hex")}`;
}

/** Names a digest key without revealing it, so apply can tell a plan was made with another key. */
export function digestKeyId(key: string): string {
  return createHmac("sha256", key).update("roster digest key id").digest("hex").slice(0, 12);
}

/** The tenant's method of a kind: its id and value, or undefined when the user has none. */
export function actualMethod(
  auth: NonNullable<ActualUser["authentication"]>,
  kind: AuthMethodKind,
): { id: string; value: string } | undefined {
  if (kind === "email") {
    const method = auth.emailMethods[0];
    return method && { id: method.id, value: method.emailAddress };
  }
  const method = auth.phoneMethods.find((m) => m.phoneType === kind);
  return method && { id: method.id, value: method.phoneNumber };
}

/** Why a plan made with `--no-auth-methods` shows no authentication change. */
export const AUTH_NOT_CHECKED_REASON =
  "not checked: authentication methods are left out of this plan (--no-auth-methods, as in pull requests); apply plans them in full";

export function diffAuthentication(
  d: UserDiff,
  desired: Partial<Record<AuthMethodKind, Sourced<string | null>>>,
  options: { digestKey: string | undefined; checked: boolean },
): void {
  const { digestKey } = options;
  const kinds = AUTH_METHOD_KINDS.filter((k) => desired[k] !== undefined);
  if (kinds.length === 0) return;
  if (!options.checked) {
    for (const kind of kinds) {
      const want = desired[kind] as Sourced<string | null>;
      const path = `authentication.${kind}`;
      d.skip(
        { kind: "authMethod", path, before: null, after: want.value, source: want.source },
        AUTH_NOT_CHECKED_REASON,
      );
    }
    return;
  }
  const auth = d.user.authentication;
  if (!auth) {
    d.error("internal: the tenant reader did not read this user's authentication methods");
    return;
  }
  for (const kind of kinds) {
    const want = desired[kind] as Sourced<string | null>;
    const have = actualMethod(auth, kind);
    const haveValue = have?.value ?? null;
    if (sameAuthValue(kind, want.value, haveValue)) continue;
    const change = {
      kind: "authMethod" as const,
      path: `authentication.${kind}`,
      before: maskAuthValue(`authentication.${kind}`, haveValue),
      after:
        want.value === null
          ? null
          : kind === "email"
            ? want.value.trim()
            : canonicalAuthValue(kind, want.value),
      source: want.source,
    };
    if (isPrivilegedTarget(d.user.roles)) {
      d.skip(change, privilegedSkipReason(d.user.roles));
      continue;
    }
    d.add({
      ...change,
      // The tenant's value only under a key (unkeyed, a phone number falls to a search of seconds).
      ...(digestKey ? { beforeDigest: authValueDigest(kind, haveValue, digestKey) } : {}),
      afterDigest: wantedValueDigest(kind, change.after, digestKey),
      ...(have ? { methodId: have.id } : {}),
      sensitive: true,
      ownerKey: "authentication",
    });
  }

  // Graph keeps an alternate mobile only beside a mobile number: check the state after the plan.
  const final = (kind: AuthMethodKind) => {
    const want = desired[kind];
    return want && !d.ownedElsewhere.has("authentication")
      ? want.value
      : (actualMethod(auth, kind)?.value ?? null);
  };
  if (final("alternateMobile") !== null && final("mobile") === null) {
    d.error(
      "`authentication.alternateMobile` needs a `mobile` number, and the user would have none",
      (desired.alternateMobile ?? desired.mobile)?.source,
    );
  }
}
