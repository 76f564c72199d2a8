import { describe, expect, it } from "vitest";
import { readGraphPhoneNumber, readStatePhoneNumber } from "../src/phone-number.js";

describe("readGraphPhoneNumber (what the phoneMethods API accepts)", () => {
  it.each([
    ["+1 5555551234", "+1 5555551234"],
    ["+1 5555551234x123", "+1 5555551234x123"],
    ["+1 2065555555", "+1 2065555555"],
    ["+44 07777777777", "+44 7777777777"],
    ["+33 0612345678", "+33 612345678"],
    ["+39 0612345678", "+39 0612345678"],
    ["+800 12345678", "+800 12345678"],
  ])("accepts %j and stores %j", (input, canonical) => {
    expect(readGraphPhoneNumber(input)).toEqual({ canonical });
  });

  it.each([
    ["+14255550100", "not in the form"],
    ["1 4255550100", "not in the form"],
    ["+1 425-555-0100", "not in the form"],
    ["+1 (425) 5550100", "not in the form"],
    ["+1 4255550100 x12", "not in the form"],
    ["+1 4255550100ext12", "not in the form"],
    ["", "not in the form"],
    ["+14 255550100", "+14 is not a country calling code"],
    ["+999 123456789", "+999 is not a country calling code"],
    ["+1 425555", "too few digits for +1"],
    ["+1 42555501001", "too many digits for +1"],
  ])("refuses %j (%s)", (input, problem) => {
    const reading = readGraphPhoneNumber(input);
    expect(reading).toEqual({ problem: expect.stringContaining(problem) });
  });

  it("is idempotent: a stored number is accepted again unchanged", () => {
    for (const input of ["+44 07777777777", "+1 4255550100x1", "+36 0612345678"]) {
      const first = readGraphPhoneNumber(input);
      if (!("canonical" in first)) throw new Error(`refused ${input}`);
      expect(readGraphPhoneNumber(first.canonical)).toEqual(first);
    }
  });
});

describe("readStatePhoneNumber (numbers written by hand in a state file)", () => {
  it.each([
    ["+14255550100", "+1 4255550100"],
    ["+1 425 555 0101", "+1 4255550101"],
    ["+1 (425) 555-0100 x 12", "+1 4255550100x12"],
    ["+1 4255550100X12", "+1 4255550100x12"],
    ["  +44 07777 777777 ", "+44 7777777777"],
  ])("reads %j as %j", (input, canonical) => {
    expect(readStatePhoneNumber(input)).toEqual({ canonical });
  });

  it.each([
    ["555-0100", "must start with +"],
    ["+", "must start with +"],
    ["+999 1234", "country calling code"],
    ["+1 425", "too few digits"],
  ])("refuses %j (%s)", (input, problem) => {
    expect(readStatePhoneNumber(input)).toEqual({ problem: expect.stringContaining(problem) });
  });
});
