// Rules and constants shared by the authentication-method routes and the state-file loader, so
// that a state file can never hold what the API would refuse.
import { type DefaultMethod, GraphHttpError, type PhoneMethod, type PhoneType } from "./types.js";

/** Graph's fixed method id per phone type, the same in every tenant (phoneauthenticationmethod). */
export const PHONE_METHOD_IDS: Readonly<Record<PhoneType, string>> = {
  mobile: "3179e48a-750b-4051-897c-87b9720928f7",
  alternateMobile: "b6332ec1-7057-4abe-9331-3d72feddfe41",
  office: "e37fc753-ff3b-4958-9484-eaa9425c82bc",
};
/** The email method's fixed id (emailauthenticationmethod). */
export const EMAIL_METHOD_ID = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f";
/** The password method's tenant-wide id (authenticationmethods-get-started). */
export const PASSWORD_METHOD_ID = "28c10230-6103-485e-b985-444c60001490";
/** Also the order in which the emulator lists phone methods. */
export const PHONE_TYPES: readonly PhoneType[] = ["mobile", "alternateMobile", "office"];
export const SMS_SIGN_IN_STATES: readonly PhoneMethod["smsSignInState"][] = [
  "notSupported",
  "notAllowedByPolicy",
  "notEnabled",
  "ready",
  "notConfigured",
];
export { isPrivilegedTarget } from "./privileged-roles.js";

/**
 * Why a phone of `phoneType` cannot join `existing` (authentication-post-phonemethods: one phone per
 * type, and a `mobile` before any `alternateMobile`), or `undefined` when it can.
 */
export function phoneAdditionViolation(
  existing: readonly PhoneMethod[],
  phoneType: PhoneType,
): string | undefined {
  if (existing.some((method) => method.phoneType === phoneType)) {
    return `The user already has a '${phoneType}' phone method; update it instead of adding one.`;
  }
  if (phoneType === "alternateMobile" && !existing.some((method) => method.phoneType === "mobile")) {
    return "An 'alternateMobile' phone method can only be added to a user who has a 'mobile' one.";
  }
  return undefined;
}

/**
 * Graph documents `ready` for a new mobile when policy allows SMS sign-in; the emulated tenant has
 * no such policy, so a mobile reads `notAllowedByPolicy` (as in the get-started tutorial), and the
 * voice-only types read `notSupported` (authentication-list-phonemethods).
 */
export function smsSignInStateFor(phoneType: PhoneType): PhoneMethod["smsSignInState"] {
  return phoneType === "mobile" ? "notAllowedByPolicy" : "notSupported";
}

/** A deliberately plain check (one `@`, a dotted domain, no spaces, at most 254 characters). */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

/** Graph does not document these errors (graph-contract §12.1); §4.4 proposes 400 `badRequest`. */
export function authRuleError(message: string): GraphHttpError {
  return new GraphHttpError(400, "badRequest", message);
}

/** Phones in Graph's type order: mobile, alternateMobile, office. */
export function sortPhones(methods: PhoneMethod[]): PhoneMethod[] {
  return [...methods].sort((a, b) => PHONE_TYPES.indexOf(a.phoneType) - PHONE_TYPES.indexOf(b.phoneType));
}

/** The default-method values, and the phone each phone-based one signs in with. */
export const DEFAULT_METHODS: Readonly<Record<DefaultMethod, PhoneType | undefined>> = {
  push: undefined,
  oath: undefined,
  sms: "mobile",
  voiceMobile: "mobile",
  voiceAlternateMobile: "alternateMobile",
  voiceOffice: "office",
};

/**
 * phoneauthenticationmethod-delete: "If the phone number is the user's default Azure multi-factor
 * authentication (MFA) authentication method, it can't be deleted. Have the user change their
 * default authentication method, and then delete the number." The status and code are not
 * documented; the emulator answers like its other rule violations (graph-contract §4.4).
 */
export function defaultMethodViolation(
  defaultMethod: DefaultMethod | undefined,
  phoneType: PhoneType,
): string | undefined {
  if (defaultMethod === undefined || DEFAULT_METHODS[defaultMethod] !== phoneType) return undefined;
  return `The '${phoneType}' phone method is the user's default sign-in method (${defaultMethod}) and can't be deleted; have the user change their default authentication method, then delete the number.`;
}
