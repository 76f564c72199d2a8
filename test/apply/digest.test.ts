// Authentication values are in a plan file only masked (last two digits). A digest key
// (ROSTER_DIGEST_KEY, a CI secret the plan file does not hold) lets apply tell that a masked value
// changed even when its last digits did not; plan and apply must then use the same key.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoToken } from "../helpers/demo-apps.js";
import { control, type Demo, requestLog, startDemo, writes } from "./helpers.js";

const KEY = {
  ROSTER_ACCESS_TOKEN: demoToken("roster-apply"),
  ROSTER_DIGEST_KEY: "a secret of 32 or more characters that the plan does not hold",
};
const ALTERNATE_MOBILE_ID = "b6332ec1-7057-4abe-9331-3d72feddfe41";

let demo: Demo;
beforeAll(async () => {
  demo = await startDemo();
  const planned = await demo.roster(["plan", "--out", "keyed.json"], { env: KEY });
  expect(planned.code, planned.err).toBe(0);
  const keyless = await demo.roster(["plan", "--out", "keyless.json"], {
    env: { ROSTER_ACCESS_TOKEN: KEY.ROSTER_ACCESS_TOKEN },
  });
  expect(keyless.code, keyless.err).toBe(0);
});
afterAll(async () => {
  await demo?.close();
});

describe("a plan made with ROSTER_DIGEST_KEY", () => {
  it("names its key and holds keyed digests, never a value in clear", async () => {
    const text = await readFile(join(demo.work, "keyed.json"), "utf8");
    const plan = JSON.parse(text);
    expect(plan.digestKeyId).toMatch(/^[0-9a-f]{12}$/);
    const auth = plan.users.flatMap((u: { changes: { kind: string }[] }) =>
      u.changes.filter((c) => c.kind === "authMethod"),
    );
    expect(auth.length).toBeGreaterThan(0);
    for (const change of auth) {
      expect(change.beforeDigest).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
      expect(change.afterDigest).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    }
    expect(text).not.toContain("2065550161");
  });

  it("is refused without the key, or with another, before anything is read", async () => {
    await control(demo.em, "DELETE", "/_emulator/requests");
    const without = await demo.roster(["apply", "keyed.json", "--auto-approve"]);
    expect(without.code).toBe(1);
    expect(without.err).toContain("set ROSTER_DIGEST_KEY as when the plan was made");
    const other = await demo.roster(["apply", "keyed.json", "--auto-approve"], {
      env: { ...KEY, ROSTER_DIGEST_KEY: "another key, as long as the first one must be" },
    });
    expect(other.code).toBe(1);
    expect(other.err).toContain("the plan was made with another ROSTER_DIGEST_KEY");
    expect(writes(await requestLog(demo.em))).toEqual([]);
  });

  it("finds a tenant edit that kept the last two digits, which a mask alone cannot", async () => {
    // Johanna's alternate mobile is +1 2065550199 in the tenant: edited to another number ending 99.
    await control(
      demo.em,
      "PATCH",
      `/v1.0/users/JohannaL@contoso.com/authentication/phoneMethods/${ALTERNATE_MOBILE_ID}`,
      { phoneNumber: "+1 2065550299" },
    );
    const result = await demo.roster(["apply", "keyed.json", "--auto-approve"], { env: KEY });
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^Stale: JohannaL@contoso\.com: authentication\.alternateMobile was changed in the tenant since the plan/m,
    );
    expect(result.out).toMatch(/^applied AdeleV@contoso\.com authentication\.office/m);
  });

  it("refuses a key too short to stand an offline search, before anything is read", async () => {
    const short = await demo.roster(["plan"], { env: { ...KEY, ROSTER_DIGEST_KEY: "k" } });
    expect(short.code).toBe(1);
    expect(short.err).toContain("error: ROSTER_DIGEST_KEY is 1 characters: use at least 32");
    expect(short.err).toContain("hint: make one with: openssl rand -hex 32");
  });
});

describe("a plan made without a digest key", () => {
  it("refuses an authentication value changed in the repository since, whose mask is unchanged", async () => {
    const fresh = await startDemo();
    try {
      const planned = await fresh.roster(["plan", "--out", "plain.json"], {
        env: { ROSTER_ACCESS_TOKEN: KEY.ROSTER_ACCESS_TOKEN },
      });
      expect(planned.code, planned.err).toBe(0);
      // Same first letter and domain: the same mask, another address.
      const profile = join(fresh.dir, "profiles", "sales", "adele.vance.yaml");
      const text = await readFile(profile, "utf8");
      await writeFile(profile, text.replace("adele.vance@personal.example", "attacker@personal.example"));
      await control(fresh.em, "DELETE", "/_emulator/requests");
      const result = await fresh.roster(["apply", "plain.json", "--auto-approve"], {
        env: { ROSTER_ACCESS_TOKEN: KEY.ROSTER_ACCESS_TOKEN },
      });
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        /^Refused: AdeleV@contoso\.com authentication\.email: the repository now asks for another value, not the reviewed value$/m,
      );
      expect(writes(await requestLog(fresh.em))).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it("is refused when a key is set: its authentication changes would be compared by masks", async () => {
    const result = await demo.roster(["apply", "keyless.json", "--auto-approve"], { env: KEY });
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "carry no keyed digests, but ROSTER_DIGEST_KEY is set: make a new plan with it",
    );
  });
});
