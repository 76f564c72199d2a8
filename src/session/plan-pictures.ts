// Gathers what the HTML plan shows besides the plan itself: for every photo change the tenant's
// current photo and the repository's new one, scaled down; for every manager change the people of
// its org-chart branch. Reads only the users those changes touch, and at most a bounded number of
// them, so a plan of thousands of photo changes still makes a page a browser can open.
import { readFile } from "node:fs/promises";
import type { DesiredState } from "../desired/types.js";
import { normalizePhoto } from "../photos/normalize.js";
import type { Change, Plan, PlannedUser } from "../plan/types.js";
import { LEVELS_ABOVE, type PhotoPair, type PhotoSide, type PlanPictures } from "../render/index.js";
import { downloadPhotos, type PicturesGraph, readPeople, type TenantPhoto } from "../tenant/pictures.js";
import { mapLimit } from "../util/map-limit.js";
import { plural } from "../util/text.js";

/** Photo changes pictured per page: two small JPEGs each (about 10–30 KB as data URLs). */
export const MAX_PICTURED_PHOTOS = 100;
/** Manager changes charted per page: one or two reads each. */
export const MAX_CHARTED_MANAGERS = 100;
/** Pictures are scaled to fit this square (the page shows them at this size) and re-encoded. */
const THUMBNAIL = { maxPixels: 240, quality: 80 } as const;
/** Images decoded at once; sharp runs each on libuv's thread pool. */
const CONCURRENCY = 4;

interface UserChange {
  user: PlannedUser;
  change: Change;
}

export interface GatherOptions {
  progress?: (message: string) => void;
}

export async function gatherPictures(
  plan: Plan,
  state: DesiredState,
  graph: PicturesGraph,
  options: GatherOptions = {},
): Promise<PlanPictures> {
  const changesOf = (kind: Change["kind"]) =>
    plan.users.flatMap((user) =>
      user.changes.filter((c) => c.kind === kind).map((change) => ({ user, change })),
    );
  const photoChanges = changesOf("photo");
  const managerChanges = changesOf("manager");
  const pictured = photoChanges.slice(0, MAX_PICTURED_PHOTOS);
  const charted = managerChanges.slice(0, MAX_CHARTED_MANAGERS);
  const notes: string[] = [];
  if (photoChanges.length > pictured.length)
    notes.push(
      `Photos are pictured for the first ${pictured.length} of ${photoChanges.length} photo changes; the others are listed without pictures.`,
    );
  if (managerChanges.length > charted.length)
    notes.push(
      `Org charts are drawn for the first ${charted.length} of ${managerChanges.length} manager changes; the others show the chart of what was read.`,
    );

  // Each pictured user by name; each moved user with the chain above the current manager (the
  // manager and LEVELS_ABOVE more), each new manager with LEVELS_ABOVE above.
  const levels = new Map<string, number>();
  const want = (id: string, n: number) => {
    const key = id.toLowerCase();
    levels.set(key, Math.max(levels.get(key) ?? 0, n));
  };
  for (const { user } of pictured) want(user.id, 0);
  for (const { user, change } of charted) {
    want(user.id, LEVELS_ABOVE + 1);
    const to = managerIdOf(change.after);
    if (to) want(to, LEVELS_ABOVE);
  }
  const current = pictured.filter(({ change }) => change.before !== null).map(({ user }) => user.id);
  if (current.length + levels.size > 0)
    options.progress?.(
      `reading ${plural(current.length, "current photo")} and ${plural(levels.size, "user")} for the HTML plan`,
    );

  const [tenantPhotos, people, desired] = await Promise.all([
    downloadPhotos(graph, current),
    readPeople(
      graph,
      [...levels].map(([id, n]) => ({ id, levels: n })),
    ),
    desiredPictures(pictured, state),
  ]);
  const currentSides = await mapLimit(current, CONCURRENCY, (id) =>
    tenantSide(tenantPhotos.get(id) ?? { kind: "none" }),
  );
  const currentById = new Map(current.map((id, i) => [id, currentSides[i] as PhotoSide]));

  const photos = new Map<string, PhotoPair>();
  pictured.forEach(({ user, change }, i) => {
    photos.set(user.id.toLowerCase(), {
      current: change.before === null ? { kind: "none" } : (currentById.get(user.id) ?? { kind: "none" }),
      desired: desired[i] as PhotoSide,
    });
  });
  if (people.failures.length > 0)
    notes.push(
      `${plural(people.failures.length, "user")} could not be read for the org charts (${[...new Set(people.failures.map((f) => f.reason))].join(", ")}); their boxes show the id.`,
    );
  return { photos, people: people.people, notes };
}

/** The repository's photo of each pictured change, scaled down (none where the photo is removed). */
async function desiredPictures(pictured: readonly UserChange[], state: DesiredState): Promise<PhotoSide[]> {
  const absolute = new Map<string, string>();
  for (const profile of state.profiles)
    if (profile.photo?.kind === "file") absolute.set(profile.photo.path, profile.photo.absolutePath);
  return mapLimit(pictured, CONCURRENCY, async ({ change }): Promise<PhotoSide> => {
    const file = fileOf(change.after);
    if (file === undefined) return { kind: "none" };
    const path = absolute.get(file);
    if (path === undefined) return { kind: "unavailable", reason: `${file} is not a photo of any profile` };
    try {
      return image(await readFile(path));
    } catch (error) {
      return { kind: "unavailable", reason: `${file} could not be read (${reasonOf(error)})` };
    }
  });
}

async function tenantSide(photo: TenantPhoto): Promise<PhotoSide> {
  if (photo.kind === "none") return { kind: "none" };
  if (photo.kind === "failed")
    return { kind: "unavailable", reason: `the tenant's photo could not be read (${photo.reason})` };
  try {
    return await image(photo.jpeg);
  } catch (error) {
    return { kind: "unavailable", reason: `the tenant's photo could not be decoded (${reasonOf(error)})` };
  }
}

/** Upright, within 240×240, flattened onto white, JPEG without metadata, as a `data:` URL. */
async function image(bytes: Buffer): Promise<PhotoSide> {
  const { jpeg } = await normalizePhoto(bytes, THUMBNAIL);
  return { kind: "image", dataUrl: `data:image/jpeg;base64,${jpeg.toString("base64")}` };
}

function managerIdOf(side: unknown): string | undefined {
  const id = typeof side === "object" && side !== null ? (side as { id?: unknown }).id : undefined;
  return typeof id === "string" ? id : undefined;
}

function fileOf(side: unknown): string | undefined {
  const file = typeof side === "object" && side !== null ? (side as { file?: unknown }).file : undefined;
  return typeof file === "string" ? file : undefined;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
