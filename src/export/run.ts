// `roster export` as a flow, without the terminal: read the users in scope, lay out their files,
// fetch and keep their photos as they arrive, read authentication methods when asked, then write
// one profile per user. Nothing that differs is overwritten without `force`; what was left alone is
// in the report. The command presents the report; progress goes to the caller's StepProgress.
import { readdir } from "node:fs/promises";
import { basename, extname, join, posix } from "node:path";
import { isProtected, type RosterConfig } from "../config/load.js";
import { groupPhotoNames, type LoadResult, loadDesiredState, PHOTOS_DIR } from "../desired/load.js";
import type { DesiredProfile } from "../desired/types.js";
import { formatDiagnostic } from "../diagnostics.js";
import { RosterError } from "../errors.js";
import { schemas } from "../source/schema.js";
import type { AttributeSelection } from "./attributes.js";
import {
  chainOf,
  defaultsNotOverridden,
  defaultsProperties,
  readDefaultsKeys,
  withChainKeys,
} from "./defaults.js";
import { profileYaml } from "./emit.js";
import { type GroupBy, layoutProfiles } from "./layout.js";
import { photoFile, showsSamePicture } from "./photo.js";
import { buildProfile, schemaProblems, subKeysToWrite } from "./profile.js";
import type { StepProgress } from "./progress.js";
import { type ExportGraph, listUsers, readAuthenticationMethods, readManagers, readPhotos } from "./read.js";
import { fileWriter, sameTextIgnoringCrlf, type WriteOutcome } from "./write.js";

export interface ExportRequest {
  /** Absolute repository root (holds roster.yaml). */
  root: string;
  config: RosterConfig;
  attributes: AttributeSelection;
  /** `--filter`: OData, joined with roster.yaml's scope filter. */
  filter?: string;
  groupBy: GroupBy;
  photos: boolean;
  authMethods: boolean;
  force: boolean;
}

export interface ExportReport {
  /** Users read in scope, and those left out because roster.yaml protects them. */
  users: number;
  protectedSkipped: string[];
  /** Profiles: written new, unchanged, overwritten (--force), skipped (differ). */
  profiles: Record<WriteOutcome, number>;
  /**
   * Photos likewise, plus users without a photo, photos left alone beside another image, and
   * profiles whose own `photo:` key (null, or another file) says which photo they have.
   */
  photos: Record<WriteOutcome, number> & {
    none: number;
    otherFile: string[];
    refused: string[];
    namedInProfile: string[];
  };
  /** Repository-relative files left alone because they differ. */
  skippedFiles: string[];
  /** Existing profiles this export kept (by id or UPN), wherever they are. */
  existingProfiles: number;
  /** Per user, what could not be exported and why. */
  warnings: { userPrincipalName: string; message: string }[];
  /** Keys the attribute selection left out because roster.yaml says they are owned elsewhere. */
  ownedElsewhere: string[];
}

/** The filter Graph is asked for: roster.yaml's scope and `--filter`, both when there are two. */
export function scopeFilter(config: RosterConfig, filter: string | undefined): string | undefined {
  const parts = [config.scope.filter, filter].filter((f): f is string => f !== undefined && f.trim() !== "");
  if (parts.length <= 1) return parts[0];
  return parts.map((p) => `(${p})`).join(" and ");
}

/** A profile or defaults file already in the repository that export cannot read: it refuses. */
export class UnreadableProfileError extends RosterError {}

/**
 * Refuses to export beside a file it cannot read: it may be one of the users' profiles (export would
 * write a second one), and an admin's work must not be overwritten or ignored in silence.
 */
function assertExistingReadable(existing: LoadResult): void {
  const [first, ...more] = existing.unreadable;
  if (!first) return;
  const others = new Set(more.map((d) => d.file).filter((file) => file !== first.file)).size;
  throw new UnreadableProfileError(
    `cannot read ${formatDiagnostic(first)}${others > 0 ? ` (and ${others} more unreadable ${others === 1 ? "file" : "files"})` : ""}; nothing was exported`,
    { hint: "fix or move the file, then export again (roster validate lists every problem)" },
  );
}

/** Whether the profile names its own photo with `photo:` (null, or a file other than `<stem>.jpg`). */
function namesOwnPhoto(profile: DesiredProfile | undefined, stem: string): boolean {
  const photo = profile?.photo;
  if (photo === undefined) return false;
  return photo.kind === "none" || photo.path !== posix.join(PHOTOS_DIR, `${stem}.jpg`);
}

export async function runExport(
  graph: ExportGraph,
  request: ExportRequest,
  progress: StepProgress,
): Promise<ExportReport> {
  const { root, config, attributes } = request;
  const existing = await loadDesiredState(root);
  assertExistingReadable(existing);
  const existingByFile = new Map((existing.state?.profiles ?? []).map((p) => [p.file, p]));
  const photoNames = await readdir(join(root, PHOTOS_DIR))
    .then(groupPhotoNames)
    .catch(() => new Map<string, string[]>());

  // Keys a `_defaults.yaml` sets are written with the tenant's value too, so they are read as well.
  const defaults = await readDefaultsKeys(root, existing.state?.files ?? []);
  const fromDefaults = defaultsProperties(defaults);
  const properties = [
    ...new Set([...attributes.keys.filter((k) => k !== "manager"), ...fromDefaults.properties]),
  ];
  if (request.groupBy === "department") properties.push("department");
  const filter = scopeFilter(config, request.filter);
  const wantsManagers = attributes.keys.includes("manager") || fromDefaults.manager;

  progress.step("listing users");
  let listedSoFar = 0;
  const listed = await listUsers(graph, {
    properties,
    ...(filter !== undefined ? { filter } : {}),
    managers: wantsManagers,
    onPage: (soFar) => {
      progress.advance(soFar - listedSoFar);
      listedSoFar = soFar;
    },
  });
  progress.done();

  const warnings: ExportReport["warnings"] = [];
  const protectedSkipped: string[] = [];
  const users = listed.filter((user) => {
    if (isProtected(config, user)) {
      protectedSkipped.push(user.userPrincipalName);
      return false;
    }
    // A profile needs a UPN and an id roster validate accepts; Graph's always are, but say so if not.
    const problems = schemaProblems({ userPrincipalName: user.userPrincipalName, id: user.id });
    if (problems.length > 0)
      warnings.push({
        userPrincipalName: user.userPrincipalName,
        message: `not exported: ${problems.join("; ")}`,
      });
    return problems.length === 0;
  });

  if (wantsManagers && users.some((u) => u.manager === undefined)) {
    progress.step("reading managers", users.length);
    await readManagers(graph, users, (n) => progress.advance(n));
    progress.done();
  }

  const layout = layoutProfiles(
    users,
    {
      profiles: (existing.state?.profiles ?? []).map((p) => ({
        file: p.file,
        userPrincipalName: p.userPrincipalName.value,
        ...(p.id ? { id: p.id.value } : {}),
      })),
      files: existing.state?.files ?? [],
    },
    request.groupBy,
  );

  if (request.authMethods) {
    progress.step("authentication methods", users.length);
    await readAuthenticationMethods(graph, users, (n) => progress.advance(n));
    progress.done();
  }

  const writer = fileWriter(root, { force: request.force });
  const photoWriter = fileWriter(root, { force: request.force });
  const photos = {
    none: 0,
    otherFile: [] as string[],
    refused: [] as string[],
    namedInProfile: [] as string[],
  };
  if (request.photos) {
    progress.step("photos", users.length);
    await readPhotos(
      graph,
      users,
      async (user, bytes) => {
        if (bytes === undefined) {
          photos.none++;
          return;
        }
        const file = layout.fileOf.get(user.id) as string;
        const stem = basename(file, extname(file));
        const others = (photoNames.get(stem) ?? []).filter((name) => name !== `${stem}.jpg`);
        if (others.length > 0) {
          // A photos/<stem>.png already is this profile's photo: a .jpg beside it would be ambiguous.
          photos.otherFile.push(posix.join(PHOTOS_DIR, others[0] as string));
          return;
        }
        // No other photos/<stem>.* exists, so a photo other than <stem>.jpg was named with `photo:`
        // (or `photo: null`): a photos/<stem>.jpg would be nobody's photo.
        if (namesOwnPhoto(existingByFile.get(file), stem)) {
          photos.namedInProfile.push(file);
          return;
        }
        const kept = await photoFile(bytes, config.photos);
        if ("refused" in kept) {
          photos.refused.push(user.userPrincipalName);
          warnings.push({
            userPrincipalName: user.userPrincipalName,
            message: `photo left out: ${kept.refused}`,
          });
          return;
        }
        await photoWriter.write(posix.join(PHOTOS_DIR, `${stem}.jpg`), kept.jpeg, (existingBytes) =>
          showsSamePicture(existingBytes, kept.jpeg),
        );
      },
      (n) => progress.advance(n),
    );
    progress.done();
  }

  progress.step("writing profiles", users.length);
  const subKeys = subKeysToWrite(users, attributes);
  for (const user of users) {
    const file = layout.fileOf.get(user.id) as string;
    const chain = chainOf(file, defaults);
    const own = withChainKeys(attributes, subKeys, chain, schemas().profileKeys, config.ownedElsewhere);
    const profile = buildProfile(user, own.selection, own.subKeys);
    for (const message of [
      ...profile.warnings,
      ...defaultsNotOverridden(profile, chain, config.ownedElsewhere),
    ])
      warnings.push({ userPrincipalName: user.userPrincipalName, message });
    const text = profileYaml(profile.data, profile.comment);
    await writer.write(file, Buffer.from(text), sameTextIgnoringCrlf(text));
    progress.advance();
  }
  progress.done();

  return {
    users: users.length,
    protectedSkipped,
    profiles: writer.counts(),
    photos: { ...photoWriter.counts(), ...photos },
    skippedFiles: [...writer.skipped(), ...photoWriter.skipped()].sort(),
    existingProfiles: layout.existing,
    warnings,
    ownedElsewhere: attributes.ownedElsewhere,
  };
}
