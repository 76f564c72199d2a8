// Repository content comes from pull requests: keys and values may be written to steer roster or
// the CI log. None may crash validate, and none may turn a line of roster's into a workflow command.
import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { captureIo } from "../../src/io.js";
import { MINIMAL_CONFIG, testdir } from "../helpers/testdir.js";

async function validate(files: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const dir = await testdir({ "roster.yaml": MINIMAL_CONFIG, ...files });
  const io = captureIo({ cwd: dir, env });
  const code = await main(["node", "roster", "validate", "--dir", dir], io);
  return { code, out: io.out(), err: io.err() };
}

describe("hostile profile content", () => {
  it("reports keys named like Object's own members as unknown keys, without a crash", async () => {
    for (const key of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const result = await validate({
        "profiles/a.yaml": `userPrincipalName: a@contoso.com\n${key}: null\n`,
      });
      expect(result.err, key).not.toMatch(/internal error|\n\s+at /);
      expect(result.code, key).toBe(1);
      expect(result.out, key).toMatch(
        new RegExp(`^profiles/a\\.yaml:2:1: unknown key \`${key.replace(/_/g, "_")}\``, "m"),
      );
    }
  });

  it("keeps every line of output one line, so a key cannot forge or silence GitHub annotations", async () => {
    const result = await validate(
      {
        "profiles/a.yaml":
          'userPrincipalName: a@contoso.com\n"x\\n::stop-commands::pwned\\n::warning::forged": 1\n',
      },
      { GITHUB_ACTIONS: "true" },
    );
    expect(result.code).toBe(1);
    const lines = result.out.split("\n").filter((line) => line !== "");
    // Only roster's own annotations start with `::`, and each is an ::error or ::warning with a file.
    for (const line of lines.filter((l) => l.startsWith("::"))) {
      expect(line).toMatch(/^::(error|warning) file=profiles\/a\.yaml,line=\d+,col=\d+::/);
    }
    expect(lines.some((line) => line.startsWith("::stop-commands::"))).toBe(false);
    expect(lines.some((line) => line.startsWith("::warning::forged"))).toBe(false);
    expect(result.out).toContain("\\u{000a}::stop-commands::pwned");
  });

  it("refuses a photo reached through a linked folder inside photos/, or through photos/ itself linked", async () => {
    const outside = await testdir({ "secret.jpg": "not even an image" });
    const linkedFolder = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\nphoto: sub/secret.jpg\n",
      "photos/.keep": "",
    });
    await symlink(outside, join(linkedFolder, "photos", "sub"));
    const linkedPhotos = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/a.yaml": "userPrincipalName: a@contoso.com\nphoto: secret.jpg\n",
    });
    await symlink(outside, join(linkedPhotos, "photos"));
    for (const dir of [linkedFolder, linkedPhotos]) {
      const io = captureIo({ cwd: dir });
      expect(await main(["node", "roster", "validate", "--dir", dir], io)).toBe(1);
      expect(io.out()).toMatch(
        /^photos\/(sub\/)?secret\.jpg:1:1: resolves outside photos\/ of the repository \(photos\/ or a folder in it is a symbolic link\) \(photo of profiles\/a\.yaml\)$/m,
      );
    }
  });
  it("refuses a profiles/ folder or a roster.yaml that is a symbolic link, reading nothing through it", async () => {
    const outside = await testdir({
      "roster.yaml": MINIMAL_CONFIG,
      "profiles/secret.yaml": "userPrincipalName: secret@contoso.com\njobTitle: Outside\n",
    });
    const linkedProfiles = await testdir({ "roster.yaml": MINIMAL_CONFIG });
    await symlink(join(outside, "profiles"), join(linkedProfiles, "profiles"));
    const linkedConfig = await testdir({ "profiles/a.yaml": "userPrincipalName: a@contoso.com\n" });
    await symlink(join(outside, "roster.yaml"), join(linkedConfig, "roster.yaml"));
    const cases: [string, RegExp][] = [
      [linkedProfiles, /^profiles\/:1:1: profiles\/ must not be a symbolic link$/m],
      [linkedConfig, /^roster\.yaml:1:1: roster\.yaml must not be a symbolic link$/m],
    ];
    for (const [dir, expected] of cases) {
      const io = captureIo({ cwd: dir });
      expect(await main(["node", "roster", "validate", "--dir", dir], io)).toBe(1);
      expect(io.out()).toMatch(expected);
      expect(io.out()).not.toContain("secret");
    }
  });
});
