// Splitting the listing by UPN prefix: every user in exactly one part, Graph's clause limit kept.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_OR_CLAUSES,
  partitionFilter,
  UPN_FIRST_CHARACTERS,
  upnPartitions,
} from "../../src/tenant/partitions.js";

const upnCharacter = fc.constantFrom(
  ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.-_!#^~$",
);
const upn = fc
  .tuple(
    fc.array(upnCharacter, { minLength: 1, maxLength: 12 }),
    fc.constantFrom("contoso.com", "fabrikam.net"),
  )
  .map(([local, domain]) => `${local.join("")}@${domain}`);

/** The parts whose prefixes start `name`, compared as Graph compares UPNs (without case). */
const partsHolding = (parts: { prefixes: string[] }[], name: string) =>
  parts.filter((part) => part.prefixes.some((prefix) => name.toLowerCase().startsWith(prefix)));

describe("upnPartitions", () => {
  it("puts every UPN Graph allows, known or not, in exactly one part of at most 15 prefixes", () => {
    fc.assert(
      fc.property(
        fc.array(upn, { maxLength: 300 }),
        fc.integer({ min: 2, max: 12 }),
        fc.array(upn, { maxLength: 50 }),
        (known, count, others) => {
          const parts = upnPartitions(known, count);
          for (const part of parts) expect(part.prefixes.length).toBeLessThanOrEqual(MAX_OR_CLAUSES);
          for (const name of [...known, ...others]) expect(partsHolding(parts, name)).toHaveLength(1);
          expect(parts.reduce((sum, p) => sum + p.expected, 0)).toBe(known.length);
        },
      ),
      { numRuns: 200, seed: 15 },
    );
  });

  it("splits a tenant whose UPNs share a prefix below it, and balances the parts", () => {
    const known = Array.from({ length: 8000 }, (_, i) => `user${String(i).padStart(5, "0")}@contoso.com`);
    const parts = upnPartitions(known, 8);
    // "u" is split down to "user00"…"user07" (1,000 each), each one character longer than the last.
    const prefixes = parts.flatMap((p) => p.prefixes);
    expect(prefixes).toEqual(
      expect.arrayContaining(["a", "v", "ua", "usa", "usea", "user00", "user07", "user@"]),
    );
    expect(prefixes).not.toContain("user0");
    // user00… to user07… hold 1,000 each: one per part.
    expect(parts.map((p) => p.expected).filter((n) => n > 0)).toEqual([
      1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000,
    ]);
  });

  it("starts from the characters the user resource documents for UPNs, and the $ user-get documents", () => {
    expect(UPN_FIRST_CHARACTERS.join("")).toBe("abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~$");
  });

  it("covers a UPN beginning with $ exactly once beside 400 sharing a prefix", () => {
    const known = [...Array.from({ length: 400 }, (_, i) => `user${i}@contoso.com`), "$svc@contoso.com"];
    const parts = upnPartitions(known, 4);
    expect(partsHolding(parts, "$svc@contoso.com")).toHaveLength(1);
    expect(parts.reduce((sum, p) => sum + p.expected, 0)).toBe(401);
  });

  it("covers every character a UPN may begin with exactly once", () => {
    const parts = upnPartitions(
      Array.from({ length: 400 }, (_, i) => `user${i}@contoso.com`),
      4,
    );
    for (const first of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.-_!#^~$")
      expect(partsHolding(parts, `${first}x@contoso.com`)).toHaveLength(1);
  });

  it("writes a part as startswith clauses joined by or, doubling quotes", () => {
    expect(partitionFilter({ prefixes: ["a", "o'b"], expected: 0 })).toBe(
      "startswith(userPrincipalName,'a') or startswith(userPrincipalName,'o''b')",
    );
  });
});
