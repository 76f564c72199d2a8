// Desired state + tenant -> Plan: the pipeline `roster plan` prints and `roster apply` executes.
import { join } from "node:path";
import { desiredStateDigest } from "../desired/digest.js";
import type { DesiredProfile, DesiredState } from "../desired/types.js";
import { UsageError } from "../errors.js";
import { perceptualHash } from "../photos/hash.js";
import { hashPhotoFiles } from "../photos/prepare.js";
import { buildPlan } from "../plan/build.js";
import type { FreshState } from "../plan/compare.js";
import { diff } from "../plan/diff.js";
import { digestKeyId } from "../plan/diff-auth.js";
import type { Plan } from "../plan/types.js";
import { pairProfiles } from "../tenant/pairing.js";
import { openPhotoCache } from "../tenant/photo-cache.js";
import { type ReadOptions, readTenant, type TenantGraph } from "../tenant/read.js";
import type { ActualTenant, ActualUser } from "../tenant/types.js";
import { gitState } from "../util/git.js";
import { VERSION } from "../version.js";

/** A digest key shorter than this is open to an offline search from the digests it made. */
export const MIN_DIGEST_KEY_LENGTH = 32;

/** The key of the digests of authentication values, from ROSTER_DIGEST_KEY (empty = none). */
export function digestKeyOf(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.ROSTER_DIGEST_KEY || undefined;
  if (key !== undefined && key.length < MIN_DIGEST_KEY_LENGTH) {
    throw new UsageError(
      `ROSTER_DIGEST_KEY is ${key.length} characters: use at least ${MIN_DIGEST_KEY_LENGTH}`,
      {
        hint: "make one with: openssl rand -hex 32",
      },
    );
  }
  return key;
}

/** Tenant photo hashes by etag, kept between runs (and between CI runs through the Actions cache). */
export const PHOTO_CACHE_FILE = join(".roster-cache", "photo-hashes.json");

export interface MakePlanOptions {
  graphUrl: string;
  /** The id of the tenant the session proved it is signed in to. */
  tenantId: string;
  /** Key of the digests of authentication values (ROSTER_DIGEST_KEY); none: no digests. */
  digestKey?: string;
  /** False: leave authentication methods out (pull-request plans: their app cannot read them). */
  authMethods?: boolean;
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

/**
 * The plan, the tenant it was diffed against and the paths each user's profile manages: what
 * apply needs to compare a saved plan with (src/plan/compare.ts) and to write.
 */
export async function makePlanWithTenant(
  state: DesiredState,
  graph: TenantGraph,
  options: MakePlanOptions,
): Promise<FreshState> {
  const only = options.onlyUserIds;
  const reading = readActualTenant(state, graph, {
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.authMethods === false ? { authMethods: false } : {}),
    ...(only ? { detailsFor: (user: ActualUser) => only.has(user.id.toLowerCase()) } : {}),
  });
  // Photos are hashed while the tenant is read; for a part of the users, once it is known whose.
  let profiles: readonly DesiredProfile[] = state.profiles;
  let actual: ActualTenant;
  let photoHashes: Map<string, string>;
  if (only) {
    actual = await reading;
    // Second profiles of a user come along, so the diff reports them as it would in a full plan.
    const pairing = pairProfiles(state.profiles, actual);
    profiles = [...pairing.pairs, ...pairing.duplicates]
      .filter((pair) => only.has(pair.user.id.toLowerCase()))
      .map((pair) => pair.profile);
    photoHashes = await hashPhotoFiles(photoFilesOf(profiles), state.config.photos);
  } else {
    [photoHashes, actual] = await Promise.all([
      hashPhotoFiles(photoFilesOf(profiles), state.config.photos),
      reading,
    ]);
  }
  const result = diff({
    profiles,
    allProfiles: state.profiles,
    config: state.config,
    photoHashes,
    actual,
    ...(options.digestKey ? { digestKey: options.digestKey } : {}),
    ...(options.authMethods === false ? { authMethods: false } : {}),
  });
  const plan = buildPlan(result, {
    generator: `roster ${VERSION}`,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    tenant: state.config.tenant,
    tenantId: options.tenantId,
    ...(options.digestKey ? { digestKeyId: digestKeyId(options.digestKey) } : {}),
    graphUrl: options.graphUrl,
    git: await gitState(state.root),
    // Recorded in plan documents for auditors; apply's re-plan is never written, so it skips the reading.
    desiredDigest: only ? "" : await desiredStateDigest(state),
  });
  return { plan, actual, managedPaths: result.managedPaths };
}

/** Reads the tenant as the plan does, through the photo-hash cache. */
async function readActualTenant(
  state: DesiredState,
  graph: TenantGraph,
  options: Pick<ReadOptions, "progress" | "detailsFor" | "authMethods">,
): Promise<ActualTenant> {
  const photoCache = await openPhotoCache(join(state.root, PHOTO_CACHE_FILE));
  const actual = await readTenant(graph, state, { hashImage: perceptualHash, photoCache, ...options });
  try {
    await photoCache.save();
  } catch (error) {
    // The cache only saves downloads: a plan never fails for it.
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    options.progress?.(
      `warning: could not save the photo-hash cache ${PHOTO_CACHE_FILE} (${why}); the next plan downloads the photos again`,
    );
  }
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
