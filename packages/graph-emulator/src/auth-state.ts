// Loads the `authentication` object of an emulator state file, checked against the same rules as
// the API: `{ phoneMethods?: [{ phoneNumber, phoneType, id?, smsSignInState? }],
// emailMethods?: [{ emailAddress, id? }], defaultMethod? }`, the default sign-in method being one of
// push, oath, sms, voiceMobile, voiceAlternateMobile, voiceOffice (a phone one needs that phone).
import {
  DEFAULT_METHODS,
  EMAIL_METHOD_ID,
  isEmailAddress,
  PHONE_METHOD_IDS,
  PHONE_TYPES,
  phoneAdditionViolation,
  SMS_SIGN_IN_STATES,
  smsSignInStateFor,
  sortPhones,
} from "./auth-rules.js";
import { readStatePhoneNumber } from "./phone-number.js";
import type { DefaultMethod, EmailMethod, PhoneMethod } from "./types.js";

type Body = Record<string, unknown>;

/**
 * Validates a state file's `authentication` object and returns the methods as the emulator stores
 * them (canonical numbers, fixed ids, phones in type order). Throws an `Error` naming the bad entry.
 * Numbers are canonicalised leniently (`+14255550100` is fine here), unlike numbers sent over HTTP.
 */
export function authMethodsFromState(auth: unknown): {
  phoneMethods: PhoneMethod[];
  emailMethods: EmailMethod[];
  defaultMethod?: DefaultMethod;
} {
  if (auth === undefined || auth === null) return { phoneMethods: [], emailMethods: [] };
  const root = stateObject(auth, "the authentication value", [
    "phoneMethods",
    "emailMethods",
    "defaultMethod",
  ]);
  const phoneMethods: PhoneMethod[] = [];
  stateArray(root.phoneMethods, "phoneMethods").forEach((entry, index) => {
    const at = `phoneMethods[${index}]`;
    const item = stateObject(entry, at, ["phoneNumber", "phoneType", "id", "smsSignInState"]);
    const phoneType = PHONE_TYPES.find((type) => type === item.phoneType);
    if (phoneType === undefined) {
      throw new Error(
        `${at}.phoneType must be one of ${PHONE_TYPES.join(", ")}; got ${show(item.phoneType)}`,
      );
    }
    const reading = typeof item.phoneNumber === "string" ? readStatePhoneNumber(item.phoneNumber) : undefined;
    if (reading === undefined || "problem" in reading) {
      const why = reading === undefined ? "" : ` (${reading.problem})`;
      throw new Error(
        `${at}.phoneNumber must be a number like "+1 4255550100"; got ${show(item.phoneNumber)}${why}`,
      );
    }
    const phoneNumber = reading.canonical;
    const id = PHONE_METHOD_IDS[phoneType];
    if (item.id !== undefined && item.id !== id) {
      throw new Error(`${at}.id must be ${id}, Graph's fixed id for '${phoneType}'; got ${show(item.id)}`);
    }
    const smsSignInState = SMS_SIGN_IN_STATES.find((state) => state === item.smsSignInState);
    if (item.smsSignInState !== undefined && smsSignInState === undefined) {
      throw new Error(`${at}.smsSignInState must be one of ${SMS_SIGN_IN_STATES.join(", ")}`);
    }
    phoneMethods.push({
      id,
      phoneNumber,
      phoneType,
      smsSignInState: smsSignInState ?? smsSignInStateFor(phoneType),
    });
  });
  // Rules are checked on the final set, so a state file may list alternateMobile before mobile.
  const ordered = sortPhones(phoneMethods);
  ordered.forEach((method, index) => {
    const violation = phoneAdditionViolation(ordered.slice(0, index), method.phoneType);
    if (violation !== undefined) throw new Error(`phoneMethods: ${violation}`);
  });
  const emails = stateArray(root.emailMethods, "emailMethods");
  if (emails.length > 1) throw new Error("emailMethods: a user has at most one email method");
  const emailMethods = emails.map((entry, index): EmailMethod => {
    const at = `emailMethods[${index}]`;
    const item = stateObject(entry, at, ["emailAddress", "id"]);
    if (typeof item.emailAddress !== "string" || !isEmailAddress(item.emailAddress)) {
      throw new Error(`${at}.emailAddress must be an email address; got ${show(item.emailAddress)}`);
    }
    if (item.id !== undefined && item.id !== EMAIL_METHOD_ID) {
      throw new Error(
        `${at}.id must be ${EMAIL_METHOD_ID}, Graph's fixed email method id; got ${show(item.id)}`,
      );
    }
    return { id: EMAIL_METHOD_ID, emailAddress: item.emailAddress };
  });
  if (root.defaultMethod === undefined) return { phoneMethods: ordered, emailMethods };
  const defaultMethod = Object.keys(DEFAULT_METHODS).find((m) => m === root.defaultMethod) as
    | DefaultMethod
    | undefined;
  if (defaultMethod === undefined) {
    throw new Error(
      `defaultMethod must be one of ${Object.keys(DEFAULT_METHODS).join(", ")}; got ${show(root.defaultMethod)}`,
    );
  }
  const phone = DEFAULT_METHODS[defaultMethod];
  if (phone !== undefined && !ordered.some((m) => m.phoneType === phone)) {
    throw new Error(`defaultMethod ${defaultMethod} needs a '${phone}' phone method`);
  }
  return { phoneMethods: ordered, emailMethods, defaultMethod };
}

function stateObject(value: unknown, at: string, keys: readonly string[]): Body {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${at} must be an object; got ${show(value)}`);
  }
  const unknownKey = Object.keys(value).find((key) => !keys.includes(key));
  if (unknownKey !== undefined) throw new Error(`${at} has an unknown property '${unknownKey}'`);
  return value as Body;
}

function stateArray(value: unknown, at: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${at} must be an array; got ${show(value)}`);
  return value;
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
