import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAuthPath, maskAuthValue } from "../../src/plan/mask.js";

describe("maskAuthValue", () => {
  it("keeps the country code and the last two digits of Graph's canonical form", () => {
    const expected: [string, string][] = [
      ["+1 4255550110", "+1 ••••••••10"],
      ["+1 (425) 555-0110", "+1 ••••••••10"],
      ["+44 07777 777777", "+44 ••••••••77"],
      ["+49 30 901820", "+49 ••••••20"],
      ["+1 4255550100x123", "+1 ••••••••••••23"],
    ];
    for (const [phone, masked] of expected) {
      expect(maskAuthValue("authentication.mobile", phone)).toBe(masked);
      expect(maskAuthValue("authentication.office", phone)).toBe(masked);
    }
    expect(maskAuthValue("authentication.email", "adele.vance@personal.example")).toBe(
      "a•••@personal.example",
    );
    expect(maskAuthValue("authentication.mobile", null)).toBeNull();
  });

  it("never lets an unparsable tenant number through whole", () => {
    expect(maskAuthValue("authentication.mobile", "+1425555011012345")).toBe("••••••••••••••45");
    expect(maskAuthValue("authentication.mobile", "4255550110")).toBe("••••••••10");
  });

  it("leaves an already masked value as it is", () => {
    for (const [path, masked] of [
      ["authentication.mobile", "+1 ••••••••10"],
      ["authentication.alternateMobile", "+44 ••••••••77"],
      ["authentication.email", "a•••@personal.example"],
    ] as const) {
      expect(maskAuthValue(path, masked)).toBe(masked);
    }
  });

  it("never shows more than a country code and two digits, whatever the value", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."+0123456789 ()-.x•a@") }), (value) => {
        const masked = maskAuthValue("authentication.mobile", value) ?? "";
        const afterCountry = masked.replace(/^\+\d{1,3} /, "");
        expect(afterCountry.replace(/\D/g, "").length).toBeLessThanOrEqual(2);
      }),
    );
    expect(maskAuthValue("authentication.mobile", "004 425 555 0110")).toBe("•••••••••••10");
    expect(maskAuthValue("authentication.mobile", { number: "+1 4255550110" })).toBe("•••");
  });

  it("keeps only the first character of an e-mail's local part", () => {
    expect(maskAuthValue("authentication.email", "no-at-sign")).toBe("n•••");
    expect(maskAuthValue("authentication.email", '"a@b"@example.com')).toBe('"•••@example.com');
  });

  it("masks an address whose local part is empty to the mask and the domain", () => {
    expect(maskAuthValue("authentication.email", "@example.com")).toBe("•••@example.com");
    expect(maskAuthValue("authentication.email", "x")).toBe("x•••");
  });

  it("gives null for a value that is absent, not the mask of a malformed one", () => {
    expect(maskAuthValue("authentication.mobile", undefined)).toBeNull();
    expect(maskAuthValue("authentication.email", undefined)).toBeNull();
  });

  it("in an unparsable number, keeps a country code only at the start (after spaces), and only digits", () => {
    expect(maskAuthValue("authentication.mobile", "  +1 2345")).toBe("+1 ••45");
    expect(maskAuthValue("authentication.mobile", "0 +1 2345")).toBe("••••45");
    expect(maskAuthValue("authentication.mobile", "x +44 123456")).toBe("••••••56");
    expect(maskAuthValue("authentication.mobile", "4255550199")).toBe("••••••••99");
    expect(maskAuthValue("authentication.mobile", "4255550110 ext")).toBe("••••••••10");
  });
});

describe("isAuthPath", () => {
  it("is true for the paths of authentication methods only", () => {
    expect(isAuthPath("authentication.mobile")).toBe(true);
    expect(isAuthPath("authentication.email")).toBe(true);
    expect(isAuthPath("mobilePhone")).toBe(false);
    expect(isAuthPath("extension.authentication.")).toBe(false);
  });
});
