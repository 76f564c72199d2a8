// Authentication contact methods: compared in Graph's canonical form (Graph reformats numbers),
// recorded masked in the plan with a digest of the tenant value for the stale-plan check.
import { createHash } from "node:crypto";
import { AUTH_METHOD_KINDS, type AuthMethodKind, type Sourced } from "../desired/types.js";
import { canonicalPhoneNumber } from "../entra/phone.js";
import { isPrivilegedTarget } from "../entra/roles.js";
import type { ActualUser } from "../tenant/types.js";
import { maskAuthValue } from "./mask.js";
import { PRIVILEGED_SKIP_REASON, type UserDiff } from "./user-diff.js";

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

/** sha256 of the canonical value: lets apply check a masked `before` without storing it. */
export function authValueDigest(kind: AuthMethodKind, value: string | null): string {
  return `sha256:${createHash("sha256")
    .update(value === null ? "" : canonicalAuthValue(kind, value))
    .digest("hex")}`;
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

export function diffAuthentication(
  d: UserDiff,
  desired: Partial<Record<AuthMethodKind, Sourced<string | null>>>,
): void {
  const kinds = AUTH_METHOD_KINDS.filter((k) => desired[k] !== undefined);
  if (kinds.length === 0) return;
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
      d.skip(change, PRIVILEGED_SKIP_REASON);
      continue;
    }
    d.add({
      ...change,
      beforeDigest: authValueDigest(kind, haveValue),
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
