// The guards around apply: nothing is written unless the plan is valid, current and approved, and
// within the mass-change limit; protected users are never written.
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { userIdFromUpn } from "@roster/graph-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/plan/types.js";
import { control, copyRepo, type Demo, requestLog, startDemo, users, writes } from "./helpers.js";

type PlanFile = Plan;

const smallLimit = (yaml: string) => yaml.replace(/maxUsersChanged: \d+/, "maxUsersChanged: 5");

describe("refusals write nothing", () => {
  let demo: Demo;
  let plan: Record<string, unknown> & { errors: unknown[] };

  beforeAll(async () => {
    demo = await startDemo({ dir: await copyRepo(smallLimit) });
    expect((await demo.roster(["plan", "--out", "plan.json"])).code).toBe(0);
    plan = JSON.parse(await readFile(join(demo.work, "plan.json"), "utf8"));
    await control(demo.em, "DELETE", "/_emulator/requests");
  });

  afterAll(async () => {
    expect(writes(await requestLog(demo.em))).toEqual([]);
    await demo?.close();
  });

  it("refuses more users than limits.maxUsersChanged", async () => {
    const result = await demo.roster(["apply", "plan.json", "--auto-approve", "--report", "report.json"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("12 users would change, more than limits.maxUsersChanged (5)");
    expect(result.err).toContain("--allow-mass-change");
    const report = JSON.parse(await readFile(join(demo.work, "report.json"), "utf8"));
    expect(report.outcome).toBe("refused");
    expect(report.summary).toMatchObject({ applied: 0, skipped: 16 });
  });

  it("refuses without --auto-approve when stdin is not a terminal", async () => {
    const result = await demo.roster(["apply", "plan.json", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("no terminal to confirm on and --auto-approve not given");
  });

  it("asks on a terminal, after listing the sensitive changes, and takes only 'yes'", async () => {
    let shownBeforePrompt = "";
    let question = "";
    let out = "";
    const result = await demo.roster(["apply", "plan.json", "--allow-mass-change"], {
      stdinIsTty: true,
      stdout: (text) => {
        out += text;
      },
      prompt: async (q) => {
        question = q;
        shownBeforePrompt = out;
        return "y";
      },
    });
    expect(result.code).toBe(1);
    expect(question).toContain("Only 'yes' will be accepted");
    expect(shownBeforePrompt).toContain("Sensitive changes (4)");
    expect(shownBeforePrompt).toMatch(
      /AdeleV@contoso\.com authentication\.email: null -> "a•••@personal\.example"/,
    );
    expect(shownBeforePrompt).not.toContain("adele.vance@personal.example");
    expect(result.err).toContain("not confirmed");
  });

  it("refuses, whole, a plan one of whose changes the repository no longer asks for", async () => {
    const profile = join(demo.dir, "profiles", "sales", "adele.vance.yaml");
    const original = await readFile(profile, "utf8");
    await writeFile(profile, original.replace("Account Executive", "Account Director"));
    try {
      const result = await demo.roster(["apply", "plan.json", "--auto-approve", "--allow-mass-change"]);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        /^Refused: AdeleV@contoso\.com jobTitle: the repository now asks for "Account Director", not the reviewed value$/m,
      );
      expect(result.out).toMatch(/^REFUSED AdeleV@contoso\.com jobTitle: "Account Executive" \(refused: /m);
      // Every other change is left too: the plan is not the one that was reviewed.
      expect(result.out).toMatch(
        /^skipped CameronW@contoso\.com manager: .*apply refused: 1 change of the plan is not what the repository asks for/m,
      );
      expect(result.err).toContain(
        "error: apply refused: 1 change of the plan is not what the repository asks for",
      );
    } finally {
      await writeFile(profile, original);
    }
  });

  it("refuses a plan whose `after` was edited after review, naming the change, and writes nothing", async () => {
    const edited = structuredClone(plan) as unknown as PlanFile;
    const adele = edited.users.find((u) => u.userPrincipalName === "AdeleV@contoso.com");
    const title = adele?.changes.find((c) => c.path === "jobTitle");
    if (!title) throw new Error("the demo plan changes Adele's jobTitle");
    title.after = "Hacked Title";
    await writeFile(join(demo.work, "edited.json"), JSON.stringify(edited));
    const result = await demo.roster(["apply", "edited.json", "--auto-approve", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^Refused: AdeleV@contoso\.com jobTitle: the repository now asks for "Account Executive", not the reviewed value$/m,
    );
    expect(result.err).toContain("apply refused: 1 change of the plan is not what the repository asks for");
  });

  it("refuses a change copied onto a user no profile manages, and writes nothing", async () => {
    const injected = structuredClone(plan) as unknown as PlanFile;
    const template = injected.users.find((u) => u.userPrincipalName === "AdeleV@contoso.com");
    const title = template?.changes.find((c) => c.path === "jobTitle");
    if (!template || !title) throw new Error("the demo plan changes Adele's jobTitle");
    // An unmanaged account of the demo tenant (it has no profile in profiles/).
    injected.users.push({
      ...template,
      userPrincipalName: "svc-scanner@contoso.com",
      id: userIdFromUpn("svc-scanner@contoso.com"),
      file: "profiles/svc-scanner.yaml",
      changes: [{ ...title, before: null, after: "Hacked Title", action: "add" }],
      skipped: [],
    });
    await writeFile(join(demo.work, "injected.json"), JSON.stringify(injected));
    const result = await demo.roster(["apply", "injected.json", "--auto-approve", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(
      /^Refused: svc-scanner@contoso\.com jobTitle: no profile in the repository asks for this change to this user$/m,
    );
    expect(result.err).toContain("apply refused: 1 change of the plan is not what the repository asks for");
  });

  it("refuses a plan when a second profile of one of its users appeared since, as a full plan would", async () => {
    const copy = join(demo.dir, "profiles", "sales", "zz-adele-copy.yaml");
    await writeFile(
      copy,
      `userPrincipalName: AdeleV2@contoso.com\nid: ${userIdFromUpn("AdeleV@contoso.com")}\njobTitle: Copy\n`,
    );
    try {
      const result = await demo.roster(["apply", "plan.json", "--auto-approve", "--allow-mass-change"]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /error: apply refused: the repository and tenant now give a plan with an error \(.*both describe AdeleV@contoso\.com/,
      );
    } finally {
      await rm(copy);
    }
  });

  it("refuses a plan made for another tenant id, naming both tenants", async () => {
    await writeFile(
      join(demo.work, "fabrikam.json"),
      JSON.stringify({ ...plan, tenantId: "0a0b0c0d-0000-4000-8000-00000000f00d" }),
    );
    const result = await demo.roster(["apply", "fabrikam.json", "--auto-approve", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "error: apply refused: the plan was made for tenant 0a0b0c0d-0000-4000-8000-00000000f00d, but roster is signed in to tenant c0d1e2f3-0000-4000-8000-000000000001 (contoso.onmicrosoft.com)",
    );
  });

  it("writes nothing to another tenant answering at the same URL", async () => {
    const state = (await control(demo.em, "GET", "/_emulator/state")) as { tenant: unknown };
    await control(demo.em, "PUT", "/_emulator/state", {
      ...state,
      tenant: {
        id: "0a0b0c0d-0000-4000-8000-00000000f00d",
        domains: ["fabrikam.com", "fabrikam.onmicrosoft.com"],
      },
    });
    try {
      const result = await demo.roster(["apply", "plan.json", "--auto-approve", "--allow-mass-change"]);
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        "error: signed in to tenant fabrikam.com (0a0b0c0d-0000-4000-8000-00000000f00d), but roster.yaml names contoso.onmicrosoft.com",
      );
    } finally {
      await control(demo.em, "PUT", "/_emulator/state", state);
    }
  });

  it("refuses a plan made for another tenant or Graph endpoint", async () => {
    await writeFile(
      join(demo.work, "other.json"),
      JSON.stringify({ ...plan, graphUrl: "https://graph.microsoft.com" }),
    );
    const result = await demo.roster(["apply", "other.json", "--auto-approve", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "the plan was made for contoso.onmicrosoft.com at https://graph.microsoft.com",
    );
  });

  it("refuses a plan that holds errors", async () => {
    const withError = {
      ...plan,
      errors: [{ message: "manager NoOne@contoso.com does not exist in the tenant" }],
    };
    await writeFile(join(demo.work, "errors.json"), JSON.stringify(withError));
    const result = await demo.roster(["apply", "errors.json", "--auto-approve", "--allow-mass-change"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("the plan holds 1 error");
  });

  it("refuses a file that is not a plan", async () => {
    await writeFile(join(demo.work, "junk.json"), JSON.stringify({ formatVersion: 1, users: "all" }));
    const result = await demo.roster(["apply", "junk.json", "--auto-approve"]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("is not a roster plan");
  });
});

describe("approved applies", () => {
  it("--allow-mass-change lets a large plan through once confirmed with 'yes'", async () => {
    const demo = await startDemo({ dir: await copyRepo(smallLimit) });
    try {
      const result = await demo.roster(["apply", "--allow-mass-change"], {
        stdinIsTty: true,
        prompt: async () => "yes",
      });
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain("Apply complete: 15 changes applied to 12 users.");
    } finally {
      await demo.close();
    }
  });

  it("never writes a protected user: a plan edited to change one applies nothing", async () => {
    const demo = await startDemo();
    try {
      expect((await demo.roster(["plan", "--out", "plan.json"])).code).toBe(0);
      const plan = JSON.parse(await readFile(join(demo.work, "plan.json"), "utf8"));
      const breakglass = (await users(demo.em)).get("breakglass@contoso.com");
      const adele = plan.users.find(
        (u: { userPrincipalName: string }) => u.userPrincipalName === "AdeleV@contoso.com",
      );
      plan.users.push({
        ...adele,
        userPrincipalName: "breakglass@contoso.com",
        id: breakglass?.id,
        roles: ["Global Administrator"],
        changes: [{ ...adele.changes[0], before: null, action: "add" }],
        skipped: [],
      });
      await writeFile(join(demo.work, "edited.json"), JSON.stringify(plan));
      await control(demo.em, "DELETE", "/_emulator/requests");
      const result = await demo.roster(["apply", "edited.json", "--auto-approve"]);
      expect(result.code).toBe(1);
      expect(result.out).toMatch(
        /^Refused: breakglass@contoso\.com jobTitle: the user is protected in roster\.yaml$/m,
      );
      // A plan with a refused change is not the plan that was reviewed: nobody is written.
      expect(writes(await requestLog(demo.em))).toEqual([]);
      expect((await users(demo.em)).get("breakglass@contoso.com")).toEqual(breakglass);
    } finally {
      await demo.close();
    }
  });

  it("a profile that would change a protected user makes the plan an error: nothing is applied", async () => {
    const demo = await startDemo({
      dir: await copyRepo((yaml) =>
        yaml.replace("- breakglass@contoso.com", "- breakglass@contoso.com\n  - AdeleV@contoso.com"),
      ),
    });
    try {
      const result = await demo.roster(["apply", "--auto-approve"]);
      expect(result.code).toBe(1);
      expect(result.err).toContain("the plan holds 1 error");
      expect(writes(await requestLog(demo.em))).toEqual([]);
    } finally {
      await demo.close();
    }
  });
});
