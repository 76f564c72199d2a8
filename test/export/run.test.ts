// The export flow against a fake Graph (no HTTP): what real tenants hold that the emulator does
// not serve (an org contact as manager, Graph's 1x1 GIF placeholder photo, a PNG photo), what a
// user cannot have a profile for, and a per-user read that fails.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, type RosterConfig } from "../../src/config/load.js";
import { RosterError } from "../../src/errors.js";
import { parseAttributes } from "../../src/export/attributes.js";
import { createStepProgress } from "../../src/export/progress.js";
import type { ExportBatchResult, ExportGraph } from "../../src/export/read.js";
import { runExport } from "../../src/export/run.js";
import { captureIo } from "../../src/io.js";
import { schemas } from "../../src/source/schema.js";
import { testdir } from "../helpers/testdir.js";

const config: RosterConfig = { ...DEFAULT_CONFIG, tenant: "contoso.onmicrosoft.com" };
const GIF_1X1 = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

function fakeGraph(
  users: Record<string, unknown>[],
  perUser: (path: string) => ExportBatchResult,
): ExportGraph & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    async getPage<T>(path: string) {
      paths.push(path);
      return { value: users as T[] };
    },
    async batchGet(batch: readonly string[]) {
      paths.push(...batch);
      return batch.map(perUser);
    },
  };
}

const user = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  userPrincipalName: `user${i}@contoso.com`,
  displayName: `User ${i}`,
  manager: null,
  ...extra,
});

async function exportWith(
  graph: ExportGraph,
  options: { force?: boolean; files?: Record<string, string | Buffer> } = {},
) {
  const root = await testdir({ "roster.yaml": "tenant: contoso.onmicrosoft.com\n", ...options.files });
  const report = await runExport(
    graph,
    {
      root,
      config,
      attributes: parseAttributes("displayName,manager", schemas().profileKeys, config),
      groupBy: "none",
      photos: true,
      authMethods: false,
      force: options.force ?? false,
    },
    createStepProgress(captureIo()),
  );
  return { root, report };
}

describe("runExport", () => {
  it("lists users with managers expanded and reads photos in batches", async () => {
    const graph = fakeGraph([user(1), user(2)], () => ({ status: 404, body: undefined }));
    const { report } = await exportWith(graph);
    expect(graph.paths).toEqual([
      "/users?$select=id,userPrincipalName,onPremisesSyncEnabled,displayName&$top=100&$expand=manager($select=id,userPrincipalName)",
      "/users/00000000-0000-4000-8000-000000000001/photo/$value",
      "/users/00000000-0000-4000-8000-000000000002/photo/$value",
    ]);
    expect(report.photos.none).toBe(2);
  });

  it("keeps a PNG as JPEG, refuses Graph's GIF placeholder, and leaves out a manager that is no user", async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const graph = fakeGraph(
      [user(1, { manager: { id: "c0ffee00-0000-4000-8000-000000000000" } }), user(2)],
      (path) =>
        path.includes("00000000-0000-4000-8000-000000000001")
          ? { status: 200, body: png }
          : { status: 200, body: GIF_1X1 },
    );
    const { root, report } = await exportWith(graph);
    expect(await readdir(join(root, "photos"))).toEqual(["user1.jpg"]);
    const jpeg = await readFile(join(root, "photos/user1.jpg"));
    expect((await sharp(jpeg).metadata()).format).toBe("jpeg");
    expect(report.photos.refused).toEqual(["user2@contoso.com"]);
    expect(report.warnings).toEqual([
      {
        userPrincipalName: "user2@contoso.com",
        message: "photo left out: gif images are not supported; use JPEG, PNG or WebP",
      },
      {
        userPrincipalName: "user1@contoso.com",
        message:
          "manager left out: the manager (object c0ffee00-0000-4000-8000-000000000000) is not a user with a UPN",
      },
    ]);
    expect(await readFile(join(root, "profiles/user1.yaml"), "utf8")).toBe(
      "userPrincipalName: user1@contoso.com\nid: 00000000-0000-4000-8000-000000000001\ndisplayName: User 1\n",
    );
  });

  it("does not export a user whose UPN roster validate would refuse", async () => {
    const graph = fakeGraph([user(1), user(2, { userPrincipalName: "svc@localhost" })], () => ({
      status: 404,
      body: undefined,
    }));
    const { root, report } = await exportWith(graph);
    expect(report.users).toBe(1);
    expect(report.warnings).toEqual([
      {
        userPrincipalName: "svc@localhost",
        message:
          'not exported: `userPrincipalName` "svc@localhost" does not end in a domain name (name@contoso.com)',
      },
    ]);
    expect(await readdir(join(root, "profiles"))).toEqual(["user1.yaml"]);
  });

  it("fails with the client's error (and its hint) when a per-user read fails", async () => {
    const denied = new RosterError("GET /users/x/photo/$value: 403 Authorization_RequestDenied", {
      hint: "grant the app ProfilePhoto.Read.All",
    });
    const graph = fakeGraph([user(1)], () => ({ status: 403, body: undefined, error: denied }));
    await expect(exportWith(graph)).rejects.toBe(denied);
  });
});

describe("runExport, profiles that name their own photo", () => {
  it("writes no photos/<stem>.jpg for a profile whose photo: key is null or names another file", async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    const graph = fakeGraph([user(1), user(2), user(3)], () => ({ status: 200, body: png }));
    const { root, report } = await exportWith(graph, {
      files: {
        "profiles/user1.yaml": "userPrincipalName: user1@contoso.com\nphoto: null\n",
        "profiles/user2.yaml": "userPrincipalName: user2@contoso.com\nphoto: portraits/two.png\n",
        "photos/portraits/two.png": png,
      },
    });
    // user3 has no profile yet: its photo is written under the default name.
    expect((await readdir(join(root, "photos"))).sort()).toEqual(["portraits", "user3.jpg"]);
    expect([...report.photos.namedInProfile].sort()).toEqual(["profiles/user1.yaml", "profiles/user2.yaml"]);
    expect(report.photos.written).toBe(1);
  });
});

describe("runExport, an existing profile it cannot read", () => {
  it("refuses with one line naming the file and position, before reading Graph or writing anything", async () => {
    const graph = fakeGraph([user(1)], () => ({ status: 404, body: undefined }));
    const broken = "userPrincipalName: user1@contoso.com\njobTitle: [Engineer\n";
    const run = exportWith(graph, { files: { "profiles/team/user1.yaml": broken } });
    await expect(run).rejects.toThrow(
      "cannot read profiles/team/user1.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]; nothing was exported",
    );
    await expect(run).rejects.toMatchObject({
      hint: "fix or move the file, then export again (roster validate lists every problem)",
    });
    expect(graph.paths).toEqual([]);
  });

  it("counts the other unreadable files, and nothing is written", async () => {
    const graph = fakeGraph([user(1), user(2)], () => ({ status: 404, body: undefined }));
    const root = await testdir({
      "roster.yaml": "tenant: contoso.onmicrosoft.com\n",
      "profiles/a.yaml": "userPrincipalName: [\n",
      "profiles/b.yaml": Buffer.from([0x75, 0x3a, 0x20, 0xff, 0x0a]),
      "profiles/sales/_defaults.yaml": "department: {\n",
    });
    const run = runExport(
      graph,
      {
        root,
        config,
        attributes: parseAttributes("displayName", schemas().profileKeys, config),
        groupBy: "none",
        photos: true,
        authMethods: false,
        force: true,
      },
      createStepProgress(captureIo()),
    );
    await expect(run).rejects.toThrow(
      "cannot read profiles/sales/_defaults.yaml:2:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a } (and 2 more unreadable files); nothing was exported",
    );
    expect((await readdir(join(root, "profiles"))).sort()).toEqual(["a.yaml", "b.yaml", "sales"]);
    await expect(readdir(join(root, "photos"))).rejects.toThrow("ENOENT");
    expect(graph.paths).toEqual([]);
  });
});

describe("runExport, files in the way", () => {
  it("a folder where a profile goes is one line saying what to move", async () => {
    const root = await testdir({
      "roster.yaml": "tenant: contoso.onmicrosoft.com\n",
      "profiles/user1.yaml/x": "",
    });
    const graph = fakeGraph([user(1)], () => ({ status: 404, body: undefined }));
    const run = runExport(
      graph,
      {
        root,
        config,
        attributes: parseAttributes("displayName", schemas().profileKeys, config),
        groupBy: "none",
        photos: false,
        authMethods: false,
        force: false,
      },
      createStepProgress(captureIo()),
    );
    await expect(run).rejects.toThrow("cannot read profiles/user1.yaml: EISDIR");
  });
});
