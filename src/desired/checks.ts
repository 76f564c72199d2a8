// Rules that need more than one file: duplicate keys across profiles, the manager graph, protected
// users, ownership and authentication-method consistency. Pure: data in, diagnostics out.
import { isProtected, type RosterConfig } from "../config/load.js";
import { type Diagnostic, error, type SourcePosition, warning } from "../diagnostics.js";
import type { DesiredProfile } from "./types.js";

export function crossFileChecks(
  profiles: readonly DesiredProfile[],
  config: RosterConfig | undefined,
): Diagnostic[] {
  return [
    ...duplicateChecks(
      profiles,
      "userPrincipalName",
      (p) => p.userPrincipalName.value.toLowerCase(),
      (p) => p.userPrincipalName.source,
    ),
    ...duplicateChecks(
      profiles,
      "id",
      (p) => p.id?.value.toLowerCase(),
      (p) => p.id?.source,
    ),
    ...managerChecks(profiles),
    ...authenticationChecks(profiles),
    ...(config ? configChecks(profiles, config) : []),
  ];
}

function duplicateChecks(
  profiles: readonly DesiredProfile[],
  what: string,
  keyOf: (p: DesiredProfile) => string | undefined,
  positionOf: (p: DesiredProfile) => SourcePosition | undefined,
): Diagnostic[] {
  const byKey = new Map<string, DesiredProfile[]>();
  for (const profile of profiles) {
    const key = keyOf(profile);
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), profile]);
  }
  const diagnostics: Diagnostic[] = [];
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    for (const profile of group) {
      const others = group
        .filter((o) => o !== profile)
        .map((o) => {
          const at = positionOf(o) as SourcePosition;
          return `${at.file}:${at.line}:${at.col}`;
        });
      diagnostics.push(
        error(positionOf(profile) as SourcePosition, `duplicate ${what}: also in ${others.join(", ")}`),
      );
    }
  }
  return diagnostics;
}

function managerChecks(profiles: readonly DesiredProfile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byUpn = new Map(profiles.map((p) => [p.userPrincipalName.value.toLowerCase(), p]));
  const managerOf = new Map<string, string>();
  for (const profile of profiles) {
    const manager = profile.manager;
    if (!manager || manager.value === null) continue;
    const self = profile.userPrincipalName.value.toLowerCase();
    const target = manager.value.toLowerCase();
    if (target === self) {
      diagnostics.push(error(manager.source, "a user cannot be their own manager"));
      continue;
    }
    managerOf.set(self, target);
    if (!byUpn.has(target)) {
      diagnostics.push(
        warning(
          manager.source,
          `manager ${manager.value} has no profile here; the plan checks that the user exists in the tenant`,
        ),
      );
    }
  }
  // Walk each chain once; a chain that returns to a user already on it is a cycle.
  const done = new Set<string>();
  for (const start of managerOf.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let current: string | undefined = start;
    while (current !== undefined && !done.has(current) && !onPath.has(current)) {
      path.push(current);
      onPath.add(current);
      current = managerOf.get(current);
    }
    if (current !== undefined && onPath.has(current)) {
      const cycle = path.slice(path.indexOf(current));
      const shown = [...cycle, current]
        .map((upn) => byUpn.get(upn)?.userPrincipalName.value ?? upn)
        .join(" -> ");
      for (const member of cycle) {
        const manager = byUpn.get(member)?.manager;
        if (manager) diagnostics.push(error(manager.source, `manager cycle: ${shown}`));
      }
    }
    for (const upn of path) done.add(upn);
  }
  return diagnostics;
}

function authenticationChecks(profiles: readonly DesiredProfile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const profile of profiles) {
    const { mobile, alternateMobile } = profile.authentication;
    // Graph keeps an alternate mobile only beside a mobile number.
    if (alternateMobile?.value && mobile?.value === null) {
      diagnostics.push(
        error(alternateMobile.source, "`alternateMobile` requires a `mobile` number, but `mobile` is null"),
      );
    }
  }
  return diagnostics;
}

function configChecks(profiles: readonly DesiredProfile[], config: RosterConfig): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const owned = new Set(config.ownedElsewhere);
  for (const profile of profiles) {
    if (isProtected(config, { userPrincipalName: profile.userPrincipalName.value, id: profile.id?.value })) {
      diagnostics.push(
        warning(
          profile.userPrincipalName.source,
          `${profile.userPrincipalName.value} is protected in roster.yaml: the plan refuses any change to this user`,
        ),
      );
    }
    const managed: [string, SourcePosition][] = [...profile.attributes].map(([path, v]) => [
      path.split(".")[0] as string,
      v.source,
    ]);
    if (profile.manager) managed.push(["manager", profile.manager.source]);
    if (profile.photo) managed.push(["photo", profile.photo.source]);
    for (const value of Object.values(profile.authentication))
      if (value) managed.push(["authentication", value.source]);
    const reported = new Set<string>();
    for (const [key, source] of managed) {
      if (!owned.has(key) || reported.has(`${key}@${source.file}:${source.line}`)) continue;
      reported.add(`${key}@${source.file}:${source.line}`);
      diagnostics.push(
        warning(source, `\`${key}\` is owned elsewhere (roster.yaml ownedElsewhere): it is never planned`),
      );
    }
  }
  return diagnostics;
}
