// The contract between the emulator's HTTP layer (server, routing, batch, faults) and its route
// handlers. A handler sees one Graph request, already authenticated and stripped of `/v1.0`, and
// returns one response; the same handler serves a direct request and an item inside `$batch`.

/** One Graph request as a handler sees it. */
export interface EmulatorRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path after `/v1.0`, e.g. `/users/adele@contoso.com/photo/$value` (percent-decoded). */
  path: string;
  /**
   * `path` split on `/`, empty segments removed, percent-decoded; a key written `users('…')` is
   * split into `users` and the key (user-key.ts).
   */
  segments: string[];
  /** Whether the user's key was written `/users('…')` rather than `/users/…` (user-key.ts). */
  userKeyParenthesized?: boolean;
  query: URLSearchParams;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Raw body; inside `$batch` a base64 body of a binary content type is already decoded. */
  body: Buffer;
  /** `https://127.0.0.1:PORT` (or `http://` with `--http`): every absolute link starts with it. */
  origin: string;
  inBatch: boolean;
  /** Who sent it (from the bearer token); batch items inherit the caller of their `$batch`. */
  caller: Caller;
}

/** An app registration of the state file, as the caller of a request. */
export interface Caller {
  /** The application (client) id: throttling and the photo limits count per app. */
  appId: string;
  displayName: string;
  /** Granted application permissions; undefined = every permission (the state declares no apps). */
  permissions: ReadonlySet<string> | undefined;
}

/** A handler's answer. A `Buffer` body is sent as-is; anything else is sent as JSON. */
export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A Graph error: the server turns it into Graph's envelope
 * `{"error": {"code", "message", "innerError": {"date", "request-id", "client-request-id"}}}`.
 */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GraphHttpError";
  }
}

/** A stored profile photo: always the emulator's own re-encoded JPEG, never the uploaded bytes. */
export interface StoredPhoto {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Changes on every upload; sent as `@odata.mediaEtag`. */
  etag: string;
}

export type PhoneType = "mobile" | "alternateMobile" | "office";

/**
 * A user's default second-factor method: the values of signInPreferences'
 * userPreferredMethodForSecondaryAuthentication (beta's userDefaultAuthenticationMethodType).
 */
export type DefaultMethod = "push" | "oath" | "voiceMobile" | "voiceAlternateMobile" | "voiceOffice" | "sms";

/** Graph's phoneAuthenticationMethod. */
export interface PhoneMethod {
  id: string;
  /** Stored in Graph's canonical form (`+1 4255550100`), which may differ from what was sent. */
  phoneNumber: string;
  phoneType: PhoneType;
  smsSignInState: "notSupported" | "notAllowedByPolicy" | "notEnabled" | "ready" | "notConfigured";
}

/** Graph's emailAuthenticationMethod. */
export interface EmailMethod {
  id: string;
  emailAddress: string;
}

/** One user of the emulated tenant. */
export interface StoredUser {
  /** Graph properties by their Graph names; always holds `id` and `userPrincipalName`. */
  props: Record<string, unknown> & { id: string; userPrincipalName: string };
  /** Object id of the manager, if any. */
  managerId?: string;
  photo?: StoredPhoto;
  phoneMethods: PhoneMethod[];
  emailMethods: EmailMethod[];
  /** The user's default sign-in (MFA) method, when it is set: it cannot be deleted. */
  defaultMethod?: DefaultMethod;
  /** Directory role display names the user holds actively (assigned now), e.g. "Global Administrator". */
  roles: string[];
  /** Roles the user is PIM-eligible for: not held until activated. */
  eligibleRoles: string[];
  /** The role-assignable groups the user is a member of (filled in by the Store). */
  memberOf?: StoredGroup[];
  /** The role-assignable groups the user owns (filled in by the Store). */
  ownerOf?: StoredGroup[];
}

/**
 * A role-assignable group (isAssignableToRole): roles can be assigned to it, actively or as a PIM
 * eligibility, and its members are users only (such groups cannot nest groups).
 */
export interface StoredGroup {
  id: string;
  displayName: string;
  members: StoredUser[];
  /** The group's owners (users); they hold none of its roles, but Microsoft protects them too. */
  owners: StoredUser[];
  /** Roles assigned to the group now: every member holds them. */
  roles: string[];
  /** Roles the group is PIM-eligible for. */
  eligibleRoles: string[];
}
