import { describe, expect, it } from "vitest";
import { UPN_PATTERN, upnProblem } from "../../src/entra/upn.js";

describe("upnProblem (Entra ID's username policies)", () => {
  it.each([
    "AdeleV@contoso.com",
    "o'brien@contoso.com",
    "a.b-c_d!e#f^g~h@contoso.onmicrosoft.com",
    "_x_@contoso.com",
    "$svc@contoso.com",
    `${"a".repeat(64)}@contoso.com`,
    `a@${"d".repeat(40)}.example`,
  ])("accepts %s (and so does the schema's pattern)", (upn) => {
    expect(upnProblem(upn)).toBeUndefined();
    expect(new RegExp(UPN_PATTERN, "u").test(upn)).toBe(true);
  });

  it.each([
    [
      "josé@contoso.com",
      'has characters Graph refuses before the @ ("é"): only A-Z a-z 0-9 \' . - _ ! # ^ ~ are allowed',
    ],
    [
      "ad ele@contoso.com",
      'has characters Graph refuses before the @ (" "): only A-Z a-z 0-9 \' . - _ ! # ^ ~ are allowed',
    ],
    [
      "ad$ele@contoso.com",
      'has characters Graph refuses before the @ ("$"): only A-Z a-z 0-9 \' . - _ ! # ^ ~ are allowed',
    ],
    ["adele.@contoso.com", 'has a "." right before the @, which Graph refuses'],
    [`${"a".repeat(65)}@contoso.com`, "has 65 characters before the @; Graph allows at most 64"],
    [`a@${"d".repeat(41)}.example`, "has 49 characters after the @; Graph allows at most 48"],
    ["a@b@contoso.com", "is not a user principal name (name@domain)"],
    ["adele@localhost", "does not end in a domain name (name@contoso.com)"],
  ])("refuses %s: it %s (and so does the pattern)", (upn, problem) => {
    expect(upnProblem(upn)).toBe(problem);
    expect(new RegExp(UPN_PATTERN, "u").test(upn)).toBe(false);
  });
});
