// Invisible and direction-changing characters are written as escapes in everything roster prints.
import { describe, expect, it } from "vitest";
import { escapeInvisible } from "../../src/util/text.js";

describe("escapeInvisible", () => {
  it.each([
    ["\u001b[2J", "\\u{001b}[2J"],
    ["a\u0085b", "a\\u{0085}b"],
    ["a\u2028b", "a\\u{2028}b"],
    ["a\u202eb", "a\\u{202e}b"],
    ["a\u2067b", "a\\u{2067}b"],
    ["a\u200fb", "a\\u{200f}b"],
    // The Arabic letter mark, one of the Trojan Source bidi controls.
    ["a\u061cb", "a\\u{061c}b"],
  ])("%j → %s", (raw, escaped) => {
    expect(escapeInvisible(raw)).toBe(escaped);
  });

  it("leaves ordinary text alone, accents and other scripts included", () => {
    expect(escapeInvisible("José Núñez, 東京, مرحبا")).toBe("José Núñez, 東京, مرحبا");
  });
});
