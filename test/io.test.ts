import { describe, expect, it } from "vitest";
import { colorWanted } from "../src/io.js";

describe("colours", () => {
  it("are used on a terminal only, and never with NO_COLOR set (https://no-color.org)", () => {
    expect(colorWanted(true, {})).toBe(true);
    expect(colorWanted(false, {})).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(colorWanted(true, { NO_COLOR: "anything" })).toBe(false);
    // The convention: an empty value does not count as set.
    expect(colorWanted(true, { NO_COLOR: "" })).toBe(true);
  });
});
