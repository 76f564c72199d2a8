// The tenant reader's request strategy, against a scripted Graph: which requests it makes.
import { describe, expect, it } from "vitest";
import type { DesiredState } from "../../src/desired/types.js";
import { memoryPhotoCache } from "../../src/tenant/photo-cache.js";
import { type BatchGetResult, type Page, readTenant, type TenantGraph } from "../../src/tenant/read.js";
import { config, profile } from "../helpers/builders.js";

/** A tenant of `n` users in which everybody reports to user0, answering like Graph (one page). */
function scriptedGraph(n: number): TenantGraph & { requests: string[] } {
  const users = Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    userPrincipalName: `user${i}@contoso.com`,
  }));
  const requests: string[] = [];
  return {
    requests,
    maxInFlight: 8,
    async getPage<T>(path: string): Promise<Page<T>> {
      requests.push(`GET ${path}`);
      if (path.startsWith("/directoryRoles")) return { value: [] };
      const expand = path.includes("$expand");
      const value = users.map((u) =>
        expand ? { ...u, manager: { id: "id-0", userPrincipalName: "user0@contoso.com" } } : u,
      );
      return { value: value as T[], count: n };
    },
    async get<T>(path: string): Promise<T> {
      requests.push(`GET ${path}`);
      return String(n) as T;
    },
    async batch(items: readonly { url: string }[]): Promise<BatchGetResult[]> {
      requests.push(`BATCH ${items.length}`);
      return items.map(() => ({ status: 200, body: { id: "id-0", userPrincipalName: "user0@contoso.com" } }));
    },
  };
}

function desired(profiles: number, filter?: string): DesiredState {
  return {
    root: "/repo",
    config: config(filter ? { scope: { filter } } : {}),
    profiles: Array.from({ length: profiles }, (_, i) =>
      profile({ upn: `user${i}@contoso.com`, manager: "user0@contoso.com" }),
    ),
    files: [],
  };
}

const options = { hashImage: async () => "0000000000000000", photoCache: memoryPhotoCache() };

describe("reading managers", () => {
  it("expands managers in the listing when one page holds everyone: one request", async () => {
    const graph = scriptedGraph(50);
    const tenant = await readTenant(graph, desired(50), options);
    expect(graph.requests.filter((r) => r.startsWith("GET /users"))).toEqual([
      "GET /users?$select=id,userPrincipalName,onPremisesSyncEnabled&$top=100&$expand=manager($select=id,userPrincipalName)",
    ]);
    expect(graph.requests.filter((r) => r.startsWith("BATCH") && r !== "BATCH 0")).toEqual([]);
    expect(tenant.byUpn.get("user7@contoso.com")?.manager).toEqual({
      id: "id-0",
      userPrincipalName: "user0@contoso.com",
    });
  });

  it("never expands under a scope filter, which may need advanced query mode that refuses $expand", async () => {
    const graph = scriptedGraph(50);
    const tenant = await readTenant(graph, desired(50, "userType ne 'Guest'"), options);
    expect(graph.requests.some((r) => r.includes("$expand=manager"))).toBe(false);
    expect(graph.requests.filter((r) => r.startsWith("GET /users"))).toEqual([
      "GET /users?$select=id,userPrincipalName,onPremisesSyncEnabled&$top=999&$filter=userType%20ne%20'Guest'&$count=true",
    ]);
    expect(graph.requests.filter((r) => r.startsWith("BATCH 50"))).toHaveLength(1);
    expect(tenant.byUpn.get("user7@contoso.com")?.manager).toEqual({
      id: "id-0",
      userPrincipalName: "user0@contoso.com",
    });
  });
});
