// The plan for reviewers who want to look: one self-contained HTML page (no script, nothing loaded
// from the network, a Content-Security-Policy that forbids it) with the summary, each user's
// changes, the current and the new photo side by side, and the org-chart branch every manager
// change moves. Pure: the pictures and people come in as data (src/session gathers them); every
// value from the repository or the tenant is HTML-escaped, and values are masked exactly as in the
// markdown view (values.ts).
import { createHash } from "node:crypto";
import type { Change, Plan, PlanMessage, PlannedUser, SkippedChange } from "../plan/types.js";
import { HTML_STYLE } from "./html-style.js";
import { html } from "./md.js";
import {
  branchOf,
  describeBranch,
  nameOf,
  type OrgDirectory,
  orgChartSvg,
  plannedManagers,
  withPlanNames,
} from "./org-chart.js";
import { changesPhrase, partialNotice, plural, sensitiveReason, totalChanges } from "./summary.js";
import { displayValue } from "./values.js";

/** One side of a photo comparison. */
export type PhotoSide =
  /** A downscaled JPEG or PNG as a `data:` URL (anything else is not shown). */
  | { kind: "image"; dataUrl: string }
  /** No photo on this side: new (nothing in the tenant) or removed (nothing desired). */
  | { kind: "none" }
  /** The picture could not be read; `reason` says why (shown to the reviewer). */
  | { kind: "unavailable"; reason: string };

export interface PhotoPair {
  current: PhotoSide;
  desired: PhotoSide;
}

/** What the page shows besides the plan; anything missing is said so, never guessed. */
export interface PlanPictures {
  /** By lower-cased user id; a photo change without an entry is listed as not pictured. */
  photos: ReadonlyMap<string, PhotoPair>;
  /** The people the org charts and headings name, by lower-cased object id. */
  people: OrgDirectory;
  /** Sentences about what is not pictured and why (limits, failed reads). */
  notes: readonly string[];
}

export const NO_PICTURES: PlanPictures = { photos: new Map(), people: new Map(), notes: [] };

/** Displayed size of both photo frames, in CSS pixels. */
export const PHOTO_FRAME_PX = 240;

const SYMBOL = { add: "+", update: "~", remove: "-" } as const;
const DATA_URL = /^data:image\/(?:jpeg|png);base64,[A-Za-z0-9+/]+={0,2}$/;

export function renderHtml(plan: Plan, pictures: PlanPictures = NO_PICTURES): string {
  const context: Context = {
    plan,
    pictures,
    people: withPlanNames(pictures.people, plan),
    planned: plannedManagers(plan),
    charts: 0,
  };
  const heading = title(plan);
  const csp = [
    "default-src 'none'",
    "img-src data:",
    `style-src '${styleHash(HTML_STYLE)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(`${heading} · ${plan.tenant}`)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    "</head>",
    "<body>",
    header(plan, heading),
    "<main>",
    summary(plan),
    notes(pictures.notes),
    sensitiveCallout(plan),
    messages("Errors", "error", plan.errors),
    messages("Warnings", "warning", plan.warnings),
    userIndex(plan),
    users(context),
    "</main>",
    footer(plan),
    "</body>",
    "</html>",
    "",
  ]
    .filter((part) => part !== "")
    .join("\n");
}

interface Context {
  plan: Plan;
  pictures: PlanPictures;
  /** The people read, and everyone else the plan names. */
  people: OrgDirectory;
  planned: ReadonlyMap<string, string | null>;
  /** Charts drawn so far: ids inside each SVG must be unique on the page. */
  charts: number;
}

function styleHash(style: string): string {
  return `sha256-${createHash("sha256").update(style, "utf8").digest("base64")}`;
}

function title(plan: Plan): string {
  const s = plan.summary;
  const changes = totalChanges(s) > 0 ? changesPhrase(s) : "no changes";
  if (s.errors > 0) return `roster plan: ${plural(s.errors, "error")}, ${changes}`;
  return `roster plan: ${changes}`;
}

function header(plan: Plan, heading: string): string {
  const commit = plan.git.commit === null ? "no git commit" : `commit ${plan.git.commit.slice(0, 12)}`;
  const facts = [
    ["Tenant", plan.tenant],
    ["Repository", `${commit}${plan.git.dirty ? " (uncommitted changes)" : ""}`],
    ["Desired state", plan.desiredDigest],
    ["Made by", plan.generator],
    ["Planned", plan.createdAt],
  ];
  return [
    "<header>",
    `<h1>${html(heading)}</h1>`,
    `<dl class="meta">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd><code>${html(v ?? "")}</code></dd></div>`).join("")}</dl>`,
    '<p class="legend">Reading this page: <span class="sym">+</span> add · <span class="sym">~</span> update · <span class="sym">-</span> remove · <strong>⚠ sensitive</strong> marks changes to review with care. Authentication methods are masked.</p>',
    "</header>",
  ].join("\n");
}

function summary(plan: Plan): string {
  const s = plan.summary;
  const stats: [string, number, boolean][] = [
    ["changes", totalChanges(s), false],
    ["users with changes", s.usersWithChanges, false],
    ["sensitive", s.sensitiveChanges, s.sensitiveChanges > 0],
    ["skipped", s.skipped, false],
    ["errors", s.errors, s.errors > 0],
    ["warnings", s.warnings, s.warnings > 0],
  ];
  const kinds = [
    plural(s.changes.attribute, "attribute change"),
    plural(s.changes.manager, "manager change"),
    plural(s.changes.photo, "photo change"),
    plural(s.changes.authMethod, "authentication method change"),
  ].join(" · ");
  const users = `${plural(s.managedUsers, "managed user")} · ${s.unmanagedUsers === null ? "unmanaged users not checked" : `${s.unmanagedUsers} unmanaged (never changed)`}`;
  const notice = partialNotice(plan);
  return [
    '<section aria-labelledby="summary">',
    '<h2 id="summary">Summary</h2>',
    `<dl class="stats">${stats.map(([label, n, attention]) => `<div${attention ? ' class="attention"' : ""}><dt>${label}</dt><dd>${n}</dd></div>`).join("")}</dl>`,
    `<p class="breakdown">${kinds}<br>${users}</p>`,
    ...(notice ? [`<p class="note" role="note">${html(notice)}</p>`] : []),
    "</section>",
  ].join("\n");
}

function notes(lines: readonly string[]): string {
  if (lines.length === 0) return "";
  return `<aside class="note" aria-label="Not pictured">${lines.map((l) => `<p>${html(l)}</p>`).join("")}</aside>`;
}

function sensitiveCallout(plan: Plan): string {
  const count = plan.summary.sensitiveChanges;
  if (count === 0) return "";
  const items = plan.users
    .map((user, index) => ({ user, index }))
    .filter(({ user }) => user.changes.some((c) => c.sensitive))
    .map(({ user, index }) => {
      const paths = user.changes
        .filter((c) => c.sensitive)
        .map((c) => `<code>${html(c.path)}</code> (${html(sensitiveReason(user, c))})`);
      const roles = user.roles.length > 0 ? ` (admin roles: ${html(user.roles.join(", "))})` : "";
      return `<li><a href="#${userAnchor(index)}"><code>${html(user.userPrincipalName)}</code></a>${roles}: ${paths.join(", ")}</li>`;
    });
  return [
    '<section class="callout warning" aria-labelledby="sensitive">',
    `<h2 id="sensitive">⚠ ${plural(count, "sensitive change")}</h2>`,
    "<p>Authentication methods, UPN renames or users holding admin roles. Review them carefully.</p>",
    `<ul>${items.join("")}</ul>`,
    "</section>",
  ].join("\n");
}

function messages(headingText: string, kind: "error" | "warning", list: PlanMessage[]): string {
  if (list.length === 0) return "";
  const items = list.map((m) => {
    const where = [
      m.source && `<code>${html(`${m.source.file}:${m.source.line}:${m.source.col}`)}</code>`,
      m.userPrincipalName && `<code>${html(m.userPrincipalName)}</code>`,
    ].filter(Boolean);
    return `<li>${where.length > 0 ? `${where.join(" ")}: ` : ""}${html(m.message)}</li>`;
  });
  const symbol = kind === "error" ? "⛔" : "⚠";
  return [
    `<section class="callout ${kind}" aria-labelledby="${kind}s">`,
    `<h2 id="${kind}s">${symbol} ${headingText} (${list.length})</h2>`,
    `<ul>${items.join("")}</ul>`,
    "</section>",
  ].join("\n");
}

function userIndex(plan: Plan): string {
  if (plan.users.length === 0) return "";
  const items = plan.users.map((user, index) => {
    const kinds = [...new Set(user.changes.map((c) => c.kind))].map(kindLabel).join(", ");
    const what =
      user.changes.length > 0 ? `${plural(user.changes.length, "change")}: ${kinds}` : "skipped only";
    const sensitive = user.changes.some((c) => c.sensitive) ? " · ⚠ sensitive" : "";
    return `<li><a href="#${userAnchor(index)}"><code>${html(user.userPrincipalName)}</code></a> <span class="muted">${html(what)}${sensitive}</span></li>`;
  });
  return [
    '<nav class="toc" aria-labelledby="toc">',
    `<h2 id="toc">Users (${plan.users.length})</h2>`,
    `<ul>${items.join("")}</ul>`,
    "</nav>",
  ].join("\n");
}

function users(context: Context): string {
  if (context.plan.users.length === 0) return "";
  return [
    '<section aria-labelledby="changes">',
    '<h2 id="changes">Changes by user</h2>',
    ...context.plan.users.map((user, index) => userSection(context, user, index)),
    "</section>",
  ].join("\n");
}

function userSection(context: Context, user: PlannedUser, index: number): string {
  const name = displayNameOf(context, user);
  const sensitive = user.changes.filter((c) => c.sensitive).length;
  const facts = [
    user.changes.length > 0 ? plural(user.changes.length, "change") : "no changes",
    ...(sensitive > 0 ? [`<strong>⚠ ${sensitive} sensitive</strong>`] : []),
    ...(user.skipped.length > 0 ? [`${user.skipped.length} skipped`] : []),
    ...(user.roles.length > 0 ? [`admin roles: ${html(user.roles.join(", "))}`] : []),
    `<code>${html(user.file)}</code>`,
  ];
  const symbol = user.changes.length > 0 ? "~" : "#";
  const parts = [
    `<section class="user" id="${userAnchor(index)}" aria-labelledby="${userAnchor(index)}-h">`,
    `<h3 id="${userAnchor(index)}-h"><span class="sym" aria-hidden="true">${symbol}</span> <code>${html(user.userPrincipalName)}</code>${name ? ` <span class="display-name">${html(name)}</span>` : ""}</h3>`,
    `<p class="facts">${facts.join(" · ")}</p>`,
  ];
  if (user.changes.length > 0) parts.push(changeTable(user));
  for (const change of user.changes) {
    if (change.kind === "photo") parts.push(photoFigure(context, user, change));
    if (change.kind === "manager") parts.push(orgFigure(context, user, change));
  }
  if (user.skipped.length > 0) {
    parts.push("<h4>Skipped</h4>", `<ul class="skipped">${user.skipped.map(skippedItem).join("")}</ul>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

function changeTable(user: PlannedUser): string {
  const rows = user.changes.map((change) => {
    const from = change.source.file === user.file ? "" : " from";
    const tag = change.sensitive
      ? ` <strong class="tag">⚠ sensitive (${html(sensitiveReason(user, change))})</strong>`
      : "";
    return [
      `<tr class="${change.sensitive ? "sensitive" : ""}">`,
      `<td class="action ${change.action}"><span class="sym" aria-hidden="true">${SYMBOL[change.action]}</span> ${change.action}${tag}</td>`,
      `<td><code>${html(change.path)}</code></td>`,
      `<td>${valueCell(change, "before")}</td>`,
      `<td>${valueCell(change, "after")}</td>`,
      `<td class="source">${from ? '<span class="muted">from </span>' : ""}<code>${html(`${change.source.file}:${change.source.line}:${change.source.col}`)}</code></td>`,
      "</tr>",
    ].join("");
  });
  return [
    '<div class="table-wrap"><table class="changes">',
    '<thead><tr><th scope="col">Change</th><th scope="col">Path</th><th scope="col">Before (tenant)</th><th scope="col">After (repository)</th><th scope="col">Source</th></tr></thead>',
    `<tbody>${rows.join("\n")}</tbody>`,
    "</table></div>",
  ].join("\n");
}

function valueCell(change: Change, side: "before" | "after"): string {
  return `<code class="value">${html(displayValue(change, side))}</code>`;
}

function skippedItem(skipped: SkippedChange): string {
  const before = html(displayValue(skipped, "before"));
  const after = html(displayValue(skipped, "after"));
  return `<li><code>${html(skipped.path)}</code>: <code>${before}</code> → <code>${after}</code>: ${html(skipped.reason)}</li>`;
}

// ---- photos ---------------------------------------------------------------------------------

function photoFigure(context: Context, user: PlannedUser, change: Change): string {
  const person = displayNameOf(context, user) ?? user.userPrincipalName;
  const pair = context.pictures.photos.get(user.id.toLowerCase());
  const file = photoFile(change.after);
  const what =
    change.action === "add"
      ? "a photo is added"
      : change.action === "remove"
        ? "the photo is removed"
        : "the photo is replaced";
  const current: PhotoSide = change.before === null ? { kind: "none" } : (pair?.current ?? notPictured());
  const desired: PhotoSide = change.after === null ? { kind: "none" } : (pair?.desired ?? notPictured());
  return [
    '<figure class="photos">',
    '<div class="frames">',
    frame(
      current,
      `current photo of ${person}`,
      "Current (tenant)",
      change.before === null ? "No photo yet" : "",
    ),
    '<div class="arrow" aria-hidden="true">→</div>',
    frame(
      desired,
      `new photo of ${person}`,
      file ? `New (${file})` : "New",
      change.after === null ? "No photo: removed" : "",
    ),
    "</div>",
    `<figcaption>Photo of ${html(person)}: ${what}.</figcaption>`,
    "</figure>",
  ].join("\n");
}

function frame(side: PhotoSide, alt: string, label: string, emptyText: string): string {
  const px = PHOTO_FRAME_PX;
  let inner: string;
  if (side.kind === "image" && DATA_URL.test(side.dataUrl)) {
    inner = `<img src="${side.dataUrl}" alt="${html(alt)}" width="${px}" height="${px}">`;
  } else {
    const text =
      side.kind === "unavailable"
        ? `Not shown: ${side.reason}`
        : side.kind === "none"
          ? emptyText || "No photo"
          : "Not shown";
    const aria = side.kind === "none" ? `no ${alt}` : `${alt}: ${text}`;
    inner = `<div class="empty" role="img" aria-label="${html(aria)}"><span>${html(text)}</span></div>`;
  }
  return `<div class="frame-wrap"><div class="frame">${inner}</div><p class="frame-label">${html(label)}</p></div>`;
}

function notPictured(): PhotoSide {
  return { kind: "unavailable", reason: "not pictured in this page (see the note at the top)" };
}

function photoFile(side: unknown): string | undefined {
  if (typeof side !== "object" || side === null) return undefined;
  const file = (side as { file?: unknown }).file;
  return typeof file === "string" ? file : undefined;
}

// ---- org chart ------------------------------------------------------------------------------

function orgFigure(context: Context, user: PlannedUser, change: Change): string {
  const branch = branchOf(user.id, change, context.people, context.planned);
  context.charts += 1;
  const svg = orgChartSvg(branch, context.people, {
    idPrefix: `chart${context.charts}`,
    personUpn: user.userPrincipalName,
  });
  return [
    '<figure class="org">',
    svg,
    `<figcaption>${html(describeBranch(branch, context.people, user.userPrincipalName))}</figcaption>`,
    "</figure>",
  ].join("\n");
}

// ---- helpers --------------------------------------------------------------------------------

function displayNameOf(context: Context, user: PlannedUser): string | undefined {
  const name = nameOf(user.id, context.pictures.people, "");
  return name && name !== user.id && name !== user.userPrincipalName ? name : undefined;
}

function userAnchor(index: number): string {
  return `user-${index + 1}`;
}

function kindLabel(kind: Change["kind"]): string {
  return kind === "authMethod" ? "authentication" : kind;
}

function footer(plan: Plan): string {
  return `<footer><p>Made by ${html(plan.generator)} at ${html(plan.createdAt)}. This page is self-contained: it loads nothing from the network. The plan to apply is the JSON plan, not this page.</p></footer>`;
}
