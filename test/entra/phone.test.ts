import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalGraphPhoneNumber, canonicalPhoneNumber, samePhoneNumber } from "../../src/entra/phone.js";

describe("canonicalPhoneNumber", () => {
  it.each([
    ["+1 4255550100", "+1 4255550100"],
    ["+1 425 555 0100", "+1 4255550100"],
    ["+1 (425) 555-0100", "+1 4255550100"],
    ["+1.425.555.0100", "+1 4255550100"],
    ["+14255550100", "+1 4255550100"],
    ["  +1 4255550100  ", "+1 4255550100"],
    ["+1 5555551234", "+1 5555551234"],
    ["+1 5555551234x123", "+1 5555551234x123"],
    ["+1 425 555 0100 X9", "+1 4255550100x9"],
    ["+44 07777 777777", "+44 7777777777"],
    ["+44 20 7183 8750", "+44 2071838750"],
    ["+39 06 1234 5678", "+39 0612345678"],
    ["+49 151 12345678", "+49 15112345678"],
    ["+86 138 0013 8000", "+86 13800138000"],
  ])("turns %j into %j", (input, expected) => {
    expect(canonicalPhoneNumber(input)).toBe(expected);
  });

  it.each([
    ["without a plus", "4255550100"],
    ["a national number", "(425) 555-0100"],
    ["too short for the country", "+1 425555"],
    ["too long for E.164", "+1 4255550100123456"],
    ["an unknown calling code", "+999 123456789"],
    ["letters", "+1 425 CALL NOW"],
    ["a spelled-out extension", "+1 4255550100 ext. 12"],
    ["an empty extension", "+1 4255550100x"],
    ["a bare plus", "+"],
    ["nothing", ""],
  ])("refuses a number %s (%j)", (_, input) => {
    expect(canonicalPhoneNumber(input)).toBeUndefined();
  });

  it("is idempotent and ignores grouping, for any North American number", () => {
    const separator = fc.constantFrom("", " ", "-", ".");
    const nanp = fc.tuple(
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 0, max: 9999 }),
    );
    fc.assert(
      fc.property(nanp, separator, separator, fc.boolean(), ([area, exchange, line], a, b, parens) => {
        const digits = `${area}${exchange}${String(line).padStart(4, "0")}`;
        const areaText = parens ? `(${area})` : String(area);
        const input = `+1 ${areaText}${a}${exchange}${b}${String(line).padStart(4, "0")}`;
        const canonical = canonicalPhoneNumber(input);
        expect(canonical).toBe(`+1 ${digits}`);
        expect(canonicalPhoneNumber(canonical ?? "")).toBe(canonical);
      }),
    );
  });
});

describe("canonicalGraphPhoneNumber", () => {
  it.each([
    ["+1 4255550100", "+1 4255550100"],
    ["+1 425-555-0100", "+1 4255550100"],
    ["+1 (425) 555-0100", "+1 4255550100"],
    ["+44 07777777777", "+44 7777777777"],
    ["+1 5555551234x123", "+1 5555551234x123"],
  ])("accepts %j as %j", (input, expected) => {
    expect(canonicalGraphPhoneNumber(input)).toBe(expected);
  });

  it.each([
    ["no space after the country code", "+14255550100"],
    ["the wrong country-code split", "+14 255550100"],
    ["two spaces", "+1  4255550100"],
    ["a leading space", " +1 4255550100"],
    ["a number that is not possible", "+1 425"],
  ])("refuses %s (%j), which the lenient form would accept or Graph would not", (_, input) => {
    expect(canonicalGraphPhoneNumber(input)).toBeUndefined();
  });
});

describe("samePhoneNumber", () => {
  it("compares canonical forms", () => {
    expect(samePhoneNumber("+1 425 555 0110", "+1 4255550110")).toBe(true);
    expect(samePhoneNumber("+44 07777777777", "+44 7777777777")).toBe(true);
    expect(samePhoneNumber("+1 4255550110", "+1 4255550111")).toBe(false);
    expect(samePhoneNumber("+1 4255550110", "+1 4255550110x1")).toBe(false);
  });

  it("never matches numbers that do not parse, even identical ones", () => {
    expect(samePhoneNumber("n/a", "n/a")).toBe(false);
  });
});
