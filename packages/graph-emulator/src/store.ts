// The tenant's users in memory, with the indexes that keep every request cheap at 100,000 users:
// by id, by lower-cased UPN, and a stable insertion order that `$skiptoken` paging walks. It also
// remembers, per user, what changed when (for delta) and the value before the last write (for the
// eventual-consistency mode, where reads shortly after a write still see the old value).
import { randomUUID } from "node:crypto";
import type { AppRegistration } from "./apps.js";
import type { StoredGroup, StoredUser } from "./types.js";

export interface Tenant {
  id: string;
  domains: string[];
  /** The organization's name; derived from the first domain when the state gives none. */
  displayName?: string;
  /** Entra ID P2 (or ID Governance): without it, PIM's APIs answer 400 AadPremiumLicenseRequired. */
  pimLicensed: boolean;
}

/** What can hold a directory role: a user, or a role-assignable group. */
export type Principal = { kind: "user"; user: StoredUser } | { kind: "group"; group: StoredGroup };

/** One PIM eligibility: `principal` may activate `role`. */
export interface Eligibility {
  principal: Principal;
  role: string;
}

/** What a reader sees of a user: the current state, or the pre-write state while it is "stale". */
export interface UserView {
  user: StoredUser;
  props: StoredUser["props"];
  managerId: string | undefined;
}

interface Snapshot {
  props: StoredUser["props"];
  managerId: string | undefined;
  /** The user did not exist before this write (created by POST): reads 404 while stale. */
  created: boolean;
  at: number;
}

interface Change {
  seq: number;
  /** Property name (or "manager") -> sequence number of its last change. */
  props: Map<string, number>;
}

export class Store {
  private readonly users: StoredUser[] = [];
  private readonly byId = new Map<string, StoredUser>();
  private readonly byUpn = new Map<string, StoredUser>();
  private readonly position = new Map<string, number>();
  private readonly changes = new Map<string, Change>();
  private readonly snapshots = new Map<string, Snapshot>();
  private readonly roleMembers = new Map<string, Principal[]>();
  private readonly groupList: StoredGroup[] = [];
  private readonly groupsById = new Map<string, StoredGroup>();
  private readonly groupsByName = new Map<string, StoredGroup>();
  private sequence = 0;
  /** Identifies this store, so delta tokens from a previously loaded state are refused. */
  readonly instance = randomUUID();
  /** Eventual-consistency window in ms; 0 = every read sees the latest write. */
  staleReadMs = 0;
  /** Epoch ms, for the stale-read window; tests set a manual clock instead of waiting it out. */
  clock: () => number = Date.now;

  constructor(
    readonly tenant: Tenant,
    /** App registrations that may call; empty = any token may do anything. */
    private registered: readonly AppRegistration[] = [],
  ) {}

  get apps(): readonly AppRegistration[] {
    return this.registered;
  }

  /** Replaces the app registrations (a tenant admin granting or revoking consent). */
  replaceApps(apps: readonly AppRegistration[]): void {
    this.registered = apps;
  }

  /** The app a bearer token stands for. */
  appOfToken(token: string): AppRegistration | undefined {
    return this.apps.find((app) => app.token === token);
  }

  get size(): number {
    return this.users.length;
  }

  get seq(): number {
    return this.sequence;
  }

  /** All users in their stable order. Callers must not mutate the array. */
  all(): readonly StoredUser[] {
    return this.users;
  }

  add(user: StoredUser): void {
    const id = user.props.id.toLowerCase();
    const upn = user.props.userPrincipalName.toLowerCase();
    if (this.byUpn.has(upn)) throw new Error(`duplicate userPrincipalName ${user.props.userPrincipalName}`);
    if (this.byId.has(id)) throw new Error(`duplicate id ${user.props.id}`);
    this.position.set(id, this.users.length);
    this.users.push(user);
    this.byId.set(id, user);
    this.byUpn.set(upn, user);
    for (const role of user.roles) this.assign(role, { kind: "user", user });
  }

  /** Adds a role-assignable group; its members and owners must already be users of this store. */
  addGroup(group: StoredGroup): void {
    const id = group.id.toLowerCase();
    const name = group.displayName.toLowerCase();
    if (this.groupsByName.has(name)) throw new Error(`duplicate group displayName ${group.displayName}`);
    if (this.groupsById.has(id) || this.byId.has(id)) throw new Error(`duplicate id ${group.id}`);
    this.groupList.push(group);
    this.groupsById.set(id, group);
    this.groupsByName.set(name, group);
    for (const member of group.members) member.memberOf = [...(member.memberOf ?? []), group];
    for (const owner of group.owners) owner.ownerOf = [...(owner.ownerOf ?? []), group];
    for (const role of group.roles) this.assign(role, { kind: "group", group });
  }

  private assign(role: string, principal: Principal): void {
    const members = this.roleMembers.get(role) ?? [];
    members.push(principal);
    this.roleMembers.set(role, members);
  }

  /** The role-assignable groups in state order. Callers must not mutate the array. */
  groups(): readonly StoredGroup[] {
    return this.groupList;
  }

  /** A group by id (case-insensitive). */
  findGroup(id: string): StoredGroup | undefined {
    return this.groupsById.get(id.toLowerCase());
  }

  /** A group by display name (case-insensitive), for the state file's references. */
  findGroupByName(name: string): StoredGroup | undefined {
    return this.groupsByName.get(name.toLowerCase());
  }

  /** Every PIM eligibility: the users' in user order, then the groups'. */
  eligibilities(): Eligibility[] {
    const result: Eligibility[] = [];
    for (const user of this.users)
      for (const role of user.eligibleRoles) result.push({ principal: { kind: "user", user }, role });
    for (const group of this.groupList)
      for (const role of group.eligibleRoles) result.push({ principal: { kind: "group", group }, role });
    return result;
  }

  /** Current state by id or UPN (both case-insensitive), ignoring the stale-read window. */
  find(idOrUpn: string): StoredUser | undefined {
    const key = idOrUpn.toLowerCase();
    return this.byId.get(key) ?? this.byUpn.get(key);
  }

  byUpnLower(upn: string): StoredUser | undefined {
    return this.byUpn.get(upn.toLowerCase());
  }

  indexOf(user: StoredUser): number {
    return this.position.get(user.props.id.toLowerCase()) ?? -1;
  }

  /** What a read sees: undefined for a user created inside the stale window. */
  view(user: StoredUser, now = this.clock()): UserView | undefined {
    const snapshot = this.staleReadMs > 0 ? this.snapshots.get(user.props.id) : undefined;
    if (snapshot && now - snapshot.at < this.staleReadMs) {
      if (snapshot.created) return undefined;
      return { user, props: snapshot.props, managerId: snapshot.managerId };
    }
    return { user, props: user.props, managerId: user.managerId };
  }

  /** Looks a user up for a read, honouring the stale window. */
  read(idOrUpn: string): UserView | undefined {
    const user = this.find(idOrUpn);
    return user ? this.view(user) : undefined;
  }

  /**
   * Call BEFORE mutating `user`: records which properties change (delta) and, in
   * eventual-consistency mode, the value readers keep seeing for `staleReadMs`.
   * Writers must replace property values, never mutate them in place, so the snapshot stays intact.
   */
  beforeWrite(user: StoredUser, changed: readonly string[], created = false): void {
    if (this.staleReadMs > 0) {
      this.snapshots.set(user.props.id, {
        props: { ...user.props },
        managerId: user.managerId,
        created,
        at: this.clock(),
      });
    }
    this.sequence += 1;
    const change = this.changes.get(user.props.id) ?? { seq: 0, props: new Map<string, number>() };
    change.seq = this.sequence;
    for (const name of changed) change.props.set(name, this.sequence);
    this.changes.set(user.props.id, change);
  }

  /** Users changed after `seq`, in stable order, with the names of what changed after it. */
  changedSince(seq: number): { user: StoredUser; changed: string[] }[] {
    const result: { user: StoredUser; changed: string[]; index: number }[] = [];
    for (const [id, change] of this.changes) {
      if (change.seq <= seq) continue;
      const user = this.byId.get(id.toLowerCase());
      if (!user) continue;
      const changed = [...change.props].filter(([, s]) => s > seq).map(([name]) => name);
      result.push({ user, changed, index: this.indexOf(user) });
    }
    return result.sort((a, b) => a.index - b.index).map(({ user, changed }) => ({ user, changed }));
  }

  /** Re-keys the UPN index after a rename; the caller has checked the new UPN is free. */
  rename(user: StoredUser, newUpn: string): void {
    this.byUpn.delete(user.props.userPrincipalName.toLowerCase());
    this.byUpn.set(newUpn.toLowerCase(), user);
  }

  /** The activated roles: those a user or a group holds actively (an eligibility activates none). */
  rolesInUse(): string[] {
    return [...this.roleMembers.keys()].sort();
  }

  /** A role's direct members: users, then groups (a group stands for its members, unexpanded). */
  membersOf(role: string): readonly Principal[] {
    return this.roleMembers.get(role) ?? [];
  }
}
