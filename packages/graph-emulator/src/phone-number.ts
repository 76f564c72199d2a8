// Phone numbers of phone authentication methods, as the emulator reads Microsoft's documentation
// (its own reading: nothing here comes from roster's code, so the referee cannot inherit its bugs).
//
//   https://learn.microsoft.com/graph/api/resources/phoneauthenticationmethod (property phoneNumber)
//   https://learn.microsoft.com/graph/api/authentication-post-phonemethods (request body)
//   https://learn.microsoft.com/graph/api/phoneauthenticationmethod-update (request body)
//
// All three say: numbers use the format `+{country code} {number}x{extension}`, extension optional,
// e.g. `+1 5555551234` or `+1 5555551234x123`, and "numbers are rejected when creating or updating
// if they don't match the required format". The emulator therefore accepts over HTTP exactly that
// shape: `+`, a country calling code, ONE space, digits, optionally `x` and digits. Separators
// inside the number (`425-555-0100`, `(206) 555 5554`) are refused: the pages show none, and where
// Graph's behaviour is not documented the emulator takes the stricter answer.
//
// Beyond the shape, the pages are silent; the emulator's choices, each on the strict side:
// - the country code must be one the ITU assigned (`+999` is refused), and the space must sit after
//   the whole code (`+14 255550100` is refused: +1 is the code);
// - the number must have a possible length for that code (`+1 425555` is refused). Only the length:
//   Microsoft's own example `+1 5555551234` is not a valid North American number (no area code 555),
//   so validity against numbering plans would refuse the documentation's example;
// - a national trunk prefix written after the country code (`+44 07777777777`, `+36 06…`) is dropped
//   from the stored number, because it is not part of the international number. Graph accepts such a
//   number (a public SDK integration test adds `+44 07777777777`); the stored form is not documented.
// The stored (canonical) form is the documented one: `+{code} {national number}[x{extension}]`.
//
// The ITU facts (which codes exist, possible lengths, trunk prefixes) come from libphonenumber-js's
// metadata; the rule itself is the above.
import { type PhoneNumber, parsePhoneNumberWithError, validatePhoneNumberLength } from "libphonenumber-js";

export type PhoneNumberReading = { canonical: string } | { problem: string };

/** The documented form, and nothing else: `+{code} {digits}` with an optional `x{digits}`. */
const GRAPH_FORM = /^\+(\d{1,3}) (\d+)(?:x(\d+))?$/;

/** A number sent to Graph's phoneMethods API (POST or PATCH): strict, as documented above. */
export function readGraphPhoneNumber(value: string): PhoneNumberReading {
  const match = GRAPH_FORM.exec(value);
  if (!match) return { problem: "it is not in the form '+{country code} {number}x{extension}'" };
  const [, code, number, extension] = match as unknown as [string, string, string, string | undefined];
  const parsed = parse(`+${code}${number}`);
  if (parsed === "INVALID_COUNTRY" || (typeof parsed !== "string" && parsed.countryCallingCode !== code)) {
    return { problem: `+${code} is not a country calling code` };
  }
  if (typeof parsed === "string") return { problem: parseProblem(parsed) };
  return international(parsed, number, extension);
}

/**
 * A number in an emulator state file, which people write by hand: any spacing and the usual
 * separators are accepted (`+14255550100`, `+1 (425) 555-0100 X 12`), the country code is found from
 * the digits (ITU codes are prefix-free), and the stored form is the same canonical one.
 */
export function readStatePhoneNumber(value: string): PhoneNumberReading {
  const match = /^\+([\d\s().-]+?)(?:\s*x\s*(\d+))?$/i.exec(value.trim());
  const digits = match?.[1]?.replace(/\D/g, "") ?? "";
  if (!match || digits === "") return { problem: "it must start with + and the country code" };
  const parsed = parse(`+${digits}`);
  if (typeof parsed === "string") return { problem: parseProblem(parsed) };
  return international(parsed, digits.slice(parsed.countryCallingCode.length), match[2]);
}

/** `text` is `+` and digits only; a string is the metadata's reason for refusing it. */
function parse(text: string): PhoneNumber | string {
  try {
    return parsePhoneNumberWithError(text);
  } catch (err) {
    return (err as Error).message;
  }
}

function parseProblem(reason: string): string {
  if (reason === "INVALID_COUNTRY") return "it does not start with a country calling code";
  return lengthProblem(reason) ?? "it is not a phone number";
}

function international(
  parsed: PhoneNumber,
  number: string,
  extension: string | undefined,
): PhoneNumberReading {
  const code = parsed.countryCallingCode;
  const length = lengthProblem(validatePhoneNumberLength(parsed.number));
  if (length !== undefined) return { problem: `${length} for +${code}` };
  // The metadata's national number is what is left after a trunk prefix; anything else it might
  // rewrite (carrier codes and the like) is not ours to rewrite, so then the digits stay as sent.
  const national = number.endsWith(parsed.nationalNumber) ? parsed.nationalNumber : number;
  return { canonical: `+${code} ${national}${extension === undefined ? "" : `x${extension}`}` };
}

function lengthProblem(reason: string | undefined): string | undefined {
  switch (reason) {
    case undefined:
      return undefined;
    case "TOO_SHORT":
      return "it has too few digits";
    case "TOO_LONG":
      return "it has too many digits";
    default:
      return "it has a number of digits no number has";
  }
}
