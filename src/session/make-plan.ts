// Desired state + tenant -> Plan: the pipeline `roster plan` prints and `roster apply` executes.
import { join } from "node:path";
import { desiredStateDigest } from "../desired/digest.js";
import type { DesiredState } from "../desired/types.js";
import { perceptualHash } from "../photos/hash.js";
import { hashPhotoFiles } from "../photos/prepare.js";
import { buildPlan } from "../plan/build.js";
import { diff } from "../plan/diff.js";
import type { Plan } from "../plan/types.js";
import { openPhotoCache } from "../tenant/photo-cache.js";
import { readTenant, type TenantGraph } from "../tenant/read.js";
import type { ActualTenant } from "../tenant/types.js";
import { gitState } from "../util/git.js";
import { VERSION } from "../version.js";

/** Tenant photo hashes by etag, kept between runs (and between CI runs through the Actions cache). */
export const PHOTO_CACHE_FILE = join(".roster-cache", "photo-hashes.json");

export interface MakePlanOptions {
  graphUrl: string;
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
  const [photoHashes, actual] = await Promise.all([
    hashPhotoFiles(photoFilesOf(state), state.config.photos),
    readActualTenant(state, graph, options.progress),
  ]);
  const result = diff({ profiles: state.profiles, config: state.config, photoHashes, actual });
  const plan = buildPlan(result, {
    generator: `roster ${VERSION}`,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    tenant: state.config.tenant,
    graphUrl: options.graphUrl,
    git: await gitState(state.root),
    desiredDigest: await desiredStateDigest(state),
  });
  return { plan, actual };
}

/** Reads the tenant as the plan does, through the photo-hash cache (apply re-reads with it). */
export async function readActualTenant(
  state: DesiredState,
  graph: TenantGraph,
  progress?: (message: string) => void,
): Promise<ActualTenant> {
  const photoCache = await openPhotoCache(join(state.root, PHOTO_CACHE_FILE));
  const actual = await readTenant(graph, state, {
    hashImage: perceptualHash,
    photoCache,
    ...(progress ? { progress } : {}),
  });
  await photoCache.save();
  return actual;
}

/** Every photo file a profile uses: repository path -> absolute path. */
function photoFilesOf(state: DesiredState): Map<string, string> {
  const files = new Map<string, string>();
  for (const profile of state.profiles) {
    if (profile.photo?.kind === "file") files.set(profile.photo.path, profile.photo.absolutePath);
  }
  return files;
}
