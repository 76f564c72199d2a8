// Desired state + tenant -> Plan: the pipeline `roster plan` prints and `roster apply` executes.
import { join } from "node:path";
import { desiredStateDigest } from "../desired/digest.js";
import type { DesiredState } from "../desired/types.js";
import { hashDesiredPhotos } from "../photos/desired.js";
import { perceptualHash } from "../photos/hash.js";
import { buildPlan } from "../plan/build.js";
import { diff } from "../plan/diff.js";
import type { Plan } from "../plan/types.js";
import { openPhotoCache } from "../tenant/photo-cache.js";
import { readTenant, type TenantGraph } from "../tenant/read.js";
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
  const photoCache = await openPhotoCache(join(state.root, PHOTO_CACHE_FILE));
  const [photoHashes, actual] = await Promise.all([
    hashDesiredPhotos(state),
    readTenant(graph, state, {
      hashImage: perceptualHash,
      photoCache,
      ...(options.progress ? { progress: options.progress } : {}),
    }),
  ]);
  await photoCache.save();
  const result = diff({ profiles: state.profiles, config: state.config, photoHashes, actual });
  return buildPlan(result, {
    generator: `roster ${VERSION}`,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    tenant: state.config.tenant,
    graphUrl: options.graphUrl,
    git: await gitState(state.root),
    desiredDigest: await desiredStateDigest(state),
  });
}
