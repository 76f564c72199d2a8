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
import type { Plan, PlannedUser } from "../plan/types.js";
import { pairProfiles } from "../tenant/pairing.js";
import { openPhotoCache } from "../tenant/photo-cache.js";
import { type ReadOptions, readTenant, type TenantGraph } from "../tenant/read.js";
import { readTenantSubset } from "../tenant/subset.js";
import type { ActualTenant } from "../tenant/types.js";
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
  /** Read and plan a part of the users only, without listing the tenant. */
  only?: PartOfTheUsers;
  progress?: (message: string) => void;
  /** Injected for tests; defaults to now. */
  now?: () => Date;
}

export interface PartOfTheUsers {
  /** The profiles to read and plan (other profiles describing the same users are planned too). */
  profiles: readonly DesiredProfile[];
  /**
   * Plan only the users with these object ids (lower-cased), read whatever profile describes them:
   * apply re-plans the plan's users.
   */
  userIds?: ReadonlySet<string>;
  /** `--changed-since`: recorded in the plan, which then says what it did not check. */
  changedSince?: { ref: string; commit: string };
}

/**
 * The part of the users apply re-plans: the plan's users, read by id whatever profile describes
 * them now. Their profiles are the file the plan names and any profile naming the user's id or UPN
 * (a file renamed or moved since); only those whose user turns out to be one of the plan's are
 * planned afresh.
 */
export function partOfPlan(state: DesiredState, users: readonly PlannedUser[]): PartOfTheUsers {
  const files = new Set(users.map((u) => u.file));
  const ids = new Set(users.map((u) => u.id.toLowerCase()));
  const upns = new Set(users.map((u) => u.userPrincipalName.toLowerCase()));
  return {
    profiles: state.profiles.filter(
      (p) =>
        files.has(p.file) ||
        (p.id !== undefined && ids.has(p.id.value.toLowerCase())) ||
        upns.has(p.userPrincipalName.value.toLowerCase()),
    ),
    userIds: ids,
  };
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
  const only = options.only;
  const photoCache = await openPhotoCache(join(state.root, PHOTO_CACHE_FILE));
  const readOptions: ReadOptions = {
    hashImage: perceptualHash,
    photoCache,
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.authMethods === false ? { authMethods: false } : {}),
  };
  // Photos are hashed while the tenant is read; for a part of the users, once it is known whose.
  let profiles: readonly DesiredProfile[] = state.profiles;
  let actual: ActualTenant;
  let photoHashes: Map<string, string>;
  if (only) {
    const subset = await readTenantSubset(graph, state, only.profiles, {
      ...readOptions,
      ...(only.userIds ? { userIds: only.userIds } : {}),
    });
    actual = subset.tenant;
    profiles = subset.profiles;
    const ids = only.userIds;
    if (ids) {
      // Second profiles of a user come along, so the diff reports them as it would in a full plan.
      const pairing = pairProfiles(profiles, actual);
      profiles = [...pairing.pairs, ...pairing.duplicates]
        .filter((pair) => ids.has(pair.user.id.toLowerCase()))
        .map((pair) => pair.profile);
    }
    photoHashes = await hashPhotoFiles(photoFilesOf(profiles), state.config.photos);
  } else {
    [photoHashes, actual] = await Promise.all([
      hashPhotoFiles(photoFilesOf(profiles), state.config.photos),
      readTenant(graph, state, readOptions),
    ]);
  }
  await savePhotoCache(photoCache, options.progress);
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
    // Recorded in plan documents for auditors; apply's re-plan is never written, so it skips it.
    desiredDigest: only?.userIds ? "" : await desiredStateDigest(state),
    ...(only?.changedSince
      ? {
          partial: {
            changedSince: only.changedSince.ref,
            baseCommit: only.changedSince.commit,
            profilesChecked: profiles.length,
            profiles: state.profiles.length,
          },
        }
      : {}),
  });
  return { plan, actual, managedPaths: result.managedPaths };
}

/** The cache only saves downloads: a plan never fails for it. */
async function savePhotoCache(
  photoCache: Awaited<ReturnType<typeof openPhotoCache>>,
  progress: ((message: string) => void) | undefined,
): Promise<void> {
  try {
    await photoCache.save();
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    progress?.(
      `warning: could not save the photo-hash cache ${PHOTO_CACHE_FILE} (${why}); the next plan downloads the photos again`,
    );
  }
}

/** Every photo file the profiles use: repository path -> absolute path. */
function photoFilesOf(profiles: readonly DesiredProfile[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const profile of profiles) {
    if (profile.photo?.kind === "file") files.set(profile.photo.path, profile.photo.absolutePath);
  }
  return files;
}
