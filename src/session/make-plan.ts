// Desired state + tenant -> Plan: the pipeline `roster plan` prints and `roster apply` executes.
import { join } from "node:path";
import { desiredStateDigest } from "../desired/digest.js";
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import { perceptualHash } from "../photos/hash.js";
import { hashPhotoFiles } from "../photos/prepare.js";
import { buildPlan } from "../plan/build.js";
import { diff } from "../plan/diff.js";
import type { Plan } from "../plan/types.js";
import { pairProfiles } from "../tenant/pairing.js";
import { openPhotoCache } from "../tenant/photo-cache.js";
import { type ReadOptions, readTenant, type TenantGraph } from "../tenant/read.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { gitState } from "../util/git.js";
import { VERSION } from "../version.js";

/** Tenant photo hashes by etag, kept between runs (and between CI runs through the Actions cache). */
export const PHOTO_CACHE_FILE = join(".roster-cache", "photo-hashes.json");

export interface MakePlanOptions {
  graphUrl: string;
  /** The id of the tenant the session proved it is signed in to. */
  tenantId: string;
  /**
   * Plan only the users with these object ids (lower-cased): apply re-plans just the users of the
   * plan it carries out. The tenant is still listed whole (so managers resolve as in the plan).
   */
  onlyUserIds?: ReadonlySet<string>;
  progress?: (message: string) => void;
  /** Injected for tests; defaults to now. */
  now?: () => Date;
}

export async function makePlan(
  state: DesiredState,
  graph: TenantGraph,
  options: MakePlanOptions,
): Promise<Plan> {
  return (await makePlanWithTenant(state, graph, options)).plan;
}

/** The plan and the tenant it was diffed against (apply needs both: e.g. unmanaged sub-keys). */
export async function makePlanWithTenant(
  state: DesiredState,
  graph: TenantGraph,
  options: MakePlanOptions,
): Promise<{ plan: Plan; actual: ActualTenant }> {
  const only = options.onlyUserIds;
  const reading = readActualTenant(state, graph, {
    ...(options.progress ? { progress: options.progress } : {}),
    ...(only ? { detailsFor: (user: ActualUser) => only.has(user.id.toLowerCase()) } : {}),
  });
  // Photos are hashed while the tenant is read; for a part of the users, once it is known whose.
  let profiles: readonly DesiredProfile[] = state.profiles;
  let actual: ActualTenant;
  let photoHashes: Map<string, string>;
  if (only) {
    actual = await reading;
    profiles = pairProfiles(state.profiles, actual)
      .pairs.filter((pair) => only.has(pair.user.id.toLowerCase()))
      .map((pair) => pair.profile);
    photoHashes = await hashPhotoFiles(photoFilesOf(profiles), state.config.photos);
  } else {
    [photoHashes, actual] = await Promise.all([
      hashPhotoFiles(photoFilesOf(profiles), state.config.photos),
      reading,
    ]);
  }
  const result = diff({ profiles, allProfiles: state.profiles, config: state.config, photoHashes, actual });
  const plan = buildPlan(result, {
    generator: `roster ${VERSION}`,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    tenant: state.config.tenant,
    tenantId: options.tenantId,
    graphUrl: options.graphUrl,
    git: await gitState(state.root),
    desiredDigest: await desiredStateDigest(state),
  });
  return { plan, actual };
}

/** Reads the tenant as the plan does, through the photo-hash cache. */
async function readActualTenant(
  state: DesiredState,
  graph: TenantGraph,
  options: Pick<ReadOptions, "progress" | "detailsFor">,
): Promise<ActualTenant> {
  const photoCache = await openPhotoCache(join(state.root, PHOTO_CACHE_FILE));
  const actual = await readTenant(graph, state, { hashImage: perceptualHash, photoCache, ...options });
  await photoCache.save();
  return actual;
}

/** Every photo file the profiles use: repository path -> absolute path. */
function photoFilesOf(profiles: readonly DesiredProfile[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const profile of profiles) {
    if (profile.photo?.kind === "file") files.set(profile.photo.path, profile.photo.absolutePath);
  }
  return files;
}
