// Profiles meet tenant users in one place: id first, else UPN case-insensitively; two profiles on
// one user are reported, not merged.
import { describe, expect, it } from "vitest";
import { pairProfiles, userOfProfile } from "../../src/tenant/pairing.js";
import { tenantOf } from "../../src/tenant/types.js";
import { profile, user } from "../helpers/builders.js";

const adele = user({ userPrincipalName: "AdeleV@contoso.com", id: "A1" });
const alex = user({ userPrincipalName: "AlexW@contoso.com", id: "B2" });
const tenant = tenantOf([adele, alex]);

describe("pairProfiles", () => {
  it("matches by UPN whatever its case, and by object id (any case) before the UPN", () => {
    expect(userOfProfile(profile({ upn: "adelev@CONTOSO.com" }), tenant)).toBe(adele);
    // The id wins: this profile renames Alex, whatever UPN it gives.
    expect(userOfProfile(profile({ upn: "AdeleV@contoso.com", id: "b2" }), tenant)).toBe(alex);
    // An id the tenant does not hold never falls back to the UPN.
    expect(userOfProfile(profile({ upn: "AdeleV@contoso.com", id: "Z9" }), tenant)).toBeUndefined();
  });

  it("pairs in profile order, lists the missing, and reports a second profile of the same user", () => {
    const byUpn = profile({ upn: "AdeleV@contoso.com", file: "profiles/old-adele.yaml" });
    const byId = profile({ upn: "Adele.Vance@contoso.com", id: "A1", file: "profiles/adele.yaml" });
    const ghost = profile({ upn: "ghost@contoso.com" });
    const alexProfile = profile({ upn: "AlexW@contoso.com" });
    const pairing = pairProfiles([byUpn, ghost, byId, alexProfile], tenant);
    expect(pairing.pairs.map((p) => [p.profile.file, p.user.id])).toEqual([
      ["profiles/old-adele.yaml", "A1"],
      ["profiles/alexw.yaml", "B2"],
    ]);
    expect(pairing.missing).toEqual([ghost]);
    expect(pairing.duplicates).toEqual([{ profile: byId, user: adele, first: byUpn }]);
    expect(pairing.profileOfUser.get("a1")).toBe(byUpn);
    expect(pairing.profileOfUser.get("b2")).toBe(alexProfile);
  });
});
