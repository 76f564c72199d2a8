// Each fixture under test/fixtures/ is a small repository that breaks one rule; `roster validate`
// must report exactly these lines (file:line:col: message) and exit with this code.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { UPN_PATTERN } from "../../src/entra/upn.js";
import { captureIo } from "../../src/io.js";

const fixtures = join(import.meta.dirname, "..", "fixtures");

async function validate(dir: string, env: NodeJS.ProcessEnv = {}) {
  const io = captureIo({ env });
  const code = await main(["node", "roster", "validate", "--dir", dir], io);
  return { code, lines: io.out().split("\n").filter(Boolean), stderr: io.err() };
}

const cases: [fixture: string, exitCode: number, lines: string[]][] = [
  [
    "alias-bomb",
    1,
    [
      "profiles/a.yaml:1:1: too many YAML aliases (at most 20): Excessive alias count indicates a resource exhaustion attack",
    ],
  ],
  [
    "alternate-without-mobile",
    1,
    ["profiles/a.yaml:4:20: `alternateMobile` requires a `mobile` number, but `mobile` is null"],
  ],
  [
    "auth-email",
    1,
    [
      'profiles/a.yaml:3:10: `authentication.email` "adele at personal.example" is not a valid e-mail address',
    ],
  ],
  [
    "auth-phone",
    1,
    [
      'profiles/a.yaml:3:11: `authentication.mobile` "425 555 0100" is not a valid international phone number (expected +COUNTRY NUMBER, e.g. "+1 425 555 0100")',
      'profiles/a.yaml:4:11: `authentication.office` "+1 555" is not a valid international phone number (expected +COUNTRY NUMBER, e.g. "+1 425 555 0100")',
    ],
  ],
  [
    "business-phones",
    1,
    ["profiles/a.yaml:3:3: `businessPhones` may hold only one number: Graph accepts a single value on write"],
  ],
  [
    "config-invalid",
    1,
    [
      "roster.yaml:2:1: unknown key `limit` (did you mean `limits`?)",
      "roster.yaml:3:18: `jobtitle` is not a profile key that can be owned elsewhere (did you mean `jobTitle`?)",
      "roster.yaml:4:22: `photos.maxPixels` must be <= 648",
    ],
  ],
  ["config-missing", 1, ["roster.yaml:1:1: roster.yaml not found: is --dir the repository root?"]],
  [
    "defaults-per-profile-key",
    1,
    [
      "profiles/_defaults.yaml:2:1: `userPrincipalName` belongs to one person and cannot be set in _defaults.yaml",
    ],
  ],
  [
    "duplicate-id",
    1,
    [
      "profiles/a.yaml:2:5: duplicate id: also in profiles/b.yaml:2:5",
      "profiles/b.yaml:2:5: duplicate id: also in profiles/a.yaml:2:5",
    ],
  ],
  ["duplicate-key", 1, ["profiles/a.yaml:3:1: duplicate key: each property may appear once"]],
  [
    "duplicate-upn",
    1,
    [
      "profiles/a.yaml:1:20: duplicate userPrincipalName: also in profiles/sales/adele.yaml:1:20",
      "profiles/sales/adele.yaml:1:20: duplicate userPrincipalName: also in profiles/a.yaml:1:20",
    ],
  ],
  [
    "empty-file",
    1,
    ["profiles/a.yaml:1:1: file is empty; expected a mapping of Graph property names to values"],
  ],
  [
    "empty-string",
    1,
    [
      "profiles/a.yaml:2:14: `displayName` is an empty string, which Graph refuses (it cannot be cleared)",
      "profiles/a.yaml:3:11: `jobTitle` is an empty string, which Graph refuses: use null to clear it",
      "profiles/a.yaml:6:13: `employeeOrgData.division` is an empty string, which Graph refuses: use null to clear it",
    ],
  ],
  [
    "manager-cycle",
    1,
    [
      "profiles/a.yaml:2:10: manager cycle: a@contoso.com -> b@contoso.com -> c@contoso.com -> a@contoso.com",
      "profiles/b.yaml:2:10: manager cycle: a@contoso.com -> b@contoso.com -> c@contoso.com -> a@contoso.com",
      "profiles/c.yaml:2:10: manager cycle: a@contoso.com -> b@contoso.com -> c@contoso.com -> a@contoso.com",
    ],
  ],
  ["max-length", 1, ["profiles/a.yaml:2:11: `jobTitle` is 129 characters; Graph allows at most 128"]],
  ["missing-upn", 1, ["profiles/a.yaml:1:1: missing required key `userPrincipalName`"]],
  [
    "nested-unknown-key",
    1,
    ["profiles/a.yaml:2:20: unknown key `divison` in `employeeOrgData` (did you mean `division`?)"],
  ],
  ["non-utf8", 1, ["profiles/a.yaml:2:17: file is not valid UTF-8 (byte 0xe9 at offset 49)"]],
  [
    "owned-elsewhere",
    0,
    [
      "profiles/_defaults.yaml:1:13: warning: `department` is owned elsewhere (roster.yaml ownedElsewhere): it is never planned",
      "profiles/a.yaml:2:13: warning: `employeeId` is owned elsewhere (roster.yaml ownedElsewhere): it is never planned",
    ],
  ],
  [
    "photo-ambiguous",
    1,
    [
      "profiles/a.yaml:1:1: several default photos match this profile (photos/a.jpg, photos/a.png); keep one or name it with `photo:`",
    ],
  ],
  ["photo-escape", 1, ['profiles/a.yaml:2:8: photo path "../roster.yaml" escapes photos/']],
  ["photo-missing", 1, ["profiles/a.yaml:2:8: photos/adele.jpg: photo file not found"]],
  [
    "photo-not-image",
    1,
    ["photos/a.jpg:1:1: not an image (use JPEG, PNG or WebP) (photo of profiles/a.yaml)"],
  ],
  [
    "photo-symlink-outside",
    1,
    [
      "photos/a.jpg:1:1: resolves outside photos/ of the repository (photos/ or a folder in it is a symbolic link) (photo of profiles/a.yaml)",
    ],
  ],
  [
    "photo-truncated",
    1,
    [
      "photos/a.jpg:1:1: damaged or truncated image (VipsJpeg: premature end of JPEG image) (photo of profiles/a.yaml)",
    ],
  ],
  ["profile-symlink", 1, ["profiles/link.yaml:1:1: profile files must not be symbolic links"]],
  [
    "protected-user",
    0,
    [
      "profiles/a.yaml:1:20: warning: BreakGlass@contoso.com is protected in roster.yaml: the plan refuses any change to this user",
    ],
  ],
  ["self-manager", 1, ["profiles/a.yaml:2:10: a user cannot be their own manager"]],
  [
    "top-level-list",
    1,
    ["profiles/a.yaml:1:1: expected a mapping of property names to values at the top level, found a list"],
  ],
  [
    "unknown-key",
    1,
    [
      "profiles/a.yaml:2:1: unknown key `JobTitle` (did you mean `jobTitle`?)",
      "profiles/a.yaml:3:1: unknown key `departmnet` (did you mean `department`?)",
      "profiles/a.yaml:4:1: unknown key `favouriteColour`",
    ],
  ],
  [
    "unknown-manager",
    0,
    [
      "profiles/a.yaml:2:10: warning: manager ghost@contoso.com has no profile here; the plan checks that the user exists in the tenant",
    ],
  ],
  [
    "upn-characters",
    1,
    [
      'profiles/a.yaml:1:20: `userPrincipalName` "josé.núñez@contoso.com" has characters Graph refuses before the @ ("é", "ú", "ñ"): only A-Z a-z 0-9 \' . - _ ! # ^ ~ are allowed',
      'profiles/a.yaml:2:10: `manager` "lead.@contoso.com" has a "." right before the @, which Graph refuses',
      "profiles/a.yaml:2:10: warning: manager lead.@contoso.com has no profile here; the plan checks that the user exists in the tenant",
      'profiles/b.yaml:1:20: `userPrincipalName` "o\'brien+test@contoso.com" has characters Graph refuses before the @ ("+"): only A-Z a-z 0-9 \' . - _ ! # ^ ~ are allowed',
    ],
  ],
  [
    "usage-location",
    1,
    ['profiles/a.yaml:2:16: `usageLocation` "usa" must be a two-letter ISO 3166 country code, e.g. "US"'],
  ],
  ["valid", 0, []],
  [
    "wrong-type",
    1,
    [
      'profiles/a.yaml:4:15: `employeeOrgData.costCenter` must be string or null, found number 4401 (quote it: "4401")',
    ],
  ],
  [
    "yaml-syntax",
    1,
    [
      "profiles/a.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ],
  ],
  ["yaml-tag", 1, ["profiles/a.yaml:2:11: YAML tag !secret is not allowed"]],
];

describe("roster validate on the fixtures", () => {
  it.each(cases)("%s exits %i with its findings at their positions", async (fixture, exitCode, lines) => {
    const result = await validate(join(fixtures, fixture));
    expect(result.lines).toEqual(lines);
    expect(result.code).toBe(exitCode);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  });
});

describe("the profile schema's UPN pattern", () => {
  it("is the rule src/entra/upn.ts explains", async () => {
    const schema = JSON.parse(
      await readFile(join(fixtures, "..", "..", "schema", "profile.schema.json"), "utf8"),
    );
    expect(schema.properties.userPrincipalName.pattern).toBe(UPN_PATTERN);
    expect(schema.properties.manager.pattern).toBe(UPN_PATTERN);
  });
});
