// The org-chart branch a manager change moves, for the HTML plan: the person, the old and the new
// manager, and up to two managers above each, before and after, drawn as SVG. Pure: the people
// come in as data (read from the tenant by src/session), and the plan's own manager changes say
// how the chain above the new manager looks once the plan is applied.
import type { Change, Plan, PlannedManager } from "../plan/types.js";
import { html } from "./md.js";

/** One person the charts may name, as the tenant knows them now. */
export interface OrgPerson {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
  /** The manager's object id; `null` = none (top of the organization); `undefined` = not read. */
  managerId?: string | null;
}

/** People by lower-cased object id. */
export type OrgDirectory = ReadonlyMap<string, OrgPerson>;

/** Managers shown above the old and above the new manager. */
export const LEVELS_ABOVE = 2;

/** A chain from the person up: `[person, manager, manager's manager, …]`, ids lower-cased. */
export interface Chain {
  ids: string[];
  /** True when someone is (or may be) above the last id: drawn as "⋮", never as the top. */
  moreAbove: boolean;
  /**
   * The id (already in `ids`) the last id reports to when the chain loops back on itself (A → B →
   * A, or a self-manager): drawn and described as a loop, never as the top of the organization.
   */
  loop?: string;
}

export interface Branch {
  personId: string;
  before: Chain;
  after: Chain;
}

/** Planned manager by user id (lower-cased): what each manager change in the plan sets. */
export function plannedManagers(plan: Plan): Map<string, string | null> {
  const planned = new Map<string, string | null>();
  for (const user of plan.users)
    for (const change of user.changes)
      if (change.kind === "manager") planned.set(user.id.toLowerCase(), managerId(change.after));
  return planned;
}

/**
 * The chains of one manager change. Before: the tenant as it is. After: the new manager, then for
 * each step up the manager this plan sets where it changes one, else the tenant's.
 */
export function branchOf(
  personId: string,
  change: Pick<Change, "before" | "after">,
  people: OrgDirectory,
  planned: ReadonlyMap<string, string | null>,
): Branch {
  const id = personId.toLowerCase();
  const tenantManager = (of: string) => {
    const manager = people.get(of)?.managerId;
    return typeof manager === "string" ? manager.toLowerCase() : manager;
  };
  const plannedManager = (of: string) => (planned.has(of) ? planned.get(of) : tenantManager(of));
  return {
    personId: id,
    before: walk(id, managerId(change.before), tenantManager),
    after: walk(id, managerId(change.after), plannedManager),
  };
}

function walk(
  personId: string,
  first: string | null,
  next: (id: string) => string | null | undefined,
): Chain {
  const ids = [personId];
  let current: string | null | undefined = first;
  // The manager itself and LEVELS_ABOVE more; a loop in the data ends the chain where it repeats.
  while (current && ids.length < LEVELS_ABOVE + 2 && !ids.includes(current)) {
    ids.push(current);
    current = next(current);
  }
  // Stopped at the top (null), at a repeat (a loop), at the levels shown, or where nothing was read.
  if (current && ids.includes(current)) return { ids, moreAbove: false, loop: current };
  const moreAbove = current === undefined ? ids.length > 1 : current !== null;
  return { ids, moreAbove };
}

function managerId(side: unknown): string | null {
  if (typeof side !== "object" || side === null) return null;
  const id = (side as Partial<PlannedManager>).id;
  return typeof id === "string" ? id.toLowerCase() : null;
}

/**
 * `people`, plus everyone the plan itself names by id and UPN (its users, their old and new
 * managers) who was not read: a box then shows the UPN rather than an object id.
 */
export function withPlanNames(people: OrgDirectory, plan: Plan): OrgDirectory {
  const all = new Map(people);
  const add = (id: string, upn: string) => {
    const key = id.toLowerCase();
    if (!all.has(key)) all.set(key, { id: key, displayName: null, userPrincipalName: upn });
  };
  for (const user of plan.users) {
    add(user.id, user.userPrincipalName);
    for (const change of user.changes) {
      if (change.kind !== "manager") continue;
      for (const side of [change.before, change.after] as Partial<PlannedManager>[]) {
        if (typeof side?.id === "string" && typeof side.userPrincipalName === "string")
          add(side.id, side.userPrincipalName);
      }
    }
  }
  return all;
}

/** How a person is named in a chart: display name, else UPN, else object id. */
export function nameOf(id: string, people: OrgDirectory, fallbackUpn?: string): string {
  const person = people.get(id.toLowerCase());
  return person?.displayName || person?.userPrincipalName || fallbackUpn || id;
}

/** One sentence per side, for the chart's description and caption: "Before: A reports to B, …". */
export function describeBranch(branch: Branch, people: OrgDirectory, personUpn?: string): string {
  const name = (id: string) => nameOf(id, people, id === branch.personId ? personUpn : undefined);
  const side = (label: string, chain: Chain) => {
    const [person, ...managers] = chain.ids.map(name);
    if (managers.length === 0 && chain.loop === undefined) return `${label}: ${person} has no manager.`;
    const loop = chain.loop === undefined ? "" : loopText(chain, name);
    if (managers.length === 0) return `${label}: ${person}${loop}.`;
    const reports = managers.map((m, i) => (i === 0 ? `reports to ${m}` : `who reports to ${m}`));
    return `${label}: ${person} ${reports.join(", ")}${chain.moreAbove ? " (and further up)" : ""}${loop}.`;
  };
  return `${side("Before", branch.before)} ${side("After", branch.after)}`;
}

/** ", who reports to A again: a manager loop" (or " reports to themself: a manager loop"). */
function loopText(chain: Chain, name: (id: string) => string): string {
  const loop = chain.loop as string;
  if (chain.ids.length === 1) return " reports to themself: a manager loop";
  return `, who reports to ${name(loop)} again: a manager loop`;
}

/** The words drawn above the top of a chain that loops back. */
function loopLabel(chain: Chain, name: (id: string) => string): string {
  const loop = chain.loop as string;
  return `↺ manager loop: reports to ${loop === chain.ids.at(-1) ? "themself" : name(loop)}`;
}

// ---- drawing --------------------------------------------------------------------------------

const BOX_W = 210;
const BOX_H = 50;
const COL_GAP = 70;
const ROW_GAP = 34;
const PAD = 16;
const HEAD = 28;
const MORE = 18;
const NAME_CHARS = 26;
const UPN_CHARS = 31;
/** The loop label spans the box and the gap beside it. */
const LOOP_CHARS = 40;

type Role = "person-before" | "person-after" | "old-manager" | "new-manager" | "manager";

interface Node {
  id: string;
  role: Role;
  x: number;
  y: number;
  /** A person drawn without a manager above (on that side of the move). */
  alone: boolean;
}

interface Edge {
  from: Node;
  to: Node;
  kind: "before" | "after" | "shared";
}

/**
 * The branch as an SVG: old position on the left (dashed), new on the right (solid), a shared
 * top when both chains meet within the levels shown. Every box carries words ("current manager",
 * "new manager", "before", "after"), so nothing depends on colour.
 */
export function orgChartSvg(
  branch: Branch,
  people: OrgDirectory,
  options: { idPrefix: string; personUpn?: string },
): string {
  const layout = layoutBranch(branch);
  const width = PAD * 2 + BOX_W * 2 + COL_GAP;
  const height = PAD * 2 + HEAD + MORE + layout.rows * BOX_H + (layout.rows - 1) * ROW_GAP;
  const rowY = (row: number) => PAD + HEAD + MORE + row * (BOX_H + ROW_GAP);
  const colX = (col: 0 | 0.5 | 1) => PAD + col * (BOX_W + COL_GAP);
  const place = (n: LayoutNode): Node => ({
    id: n.id,
    role: n.role,
    x: colX(n.col),
    y: rowY(n.row),
    alone: (n.role === "person-before" ? branch.before : branch.after).ids.length === 1,
  });
  const nodes = layout.nodes.map(place);
  const byKey = new Map(layout.nodes.map((n, i) => [n.key, nodes[i] as Node]));
  const edges: Edge[] = layout.edges.map((e) => ({
    from: byKey.get(e.from) as Node,
    to: byKey.get(e.to) as Node,
    kind: e.kind,
  }));
  const title = `${options.idPrefix}-title`;
  const desc = `${options.idPrefix}-desc`;
  const name = (id: string) => nameOf(id, people, id === branch.personId ? options.personUpn : undefined);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="org-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-labelledby="${title} ${desc}">`,
    `<title id="${title}">Org chart: where ${html(name(branch.personId))} moves</title>`,
    `<desc id="${desc}">${html(describeBranch(branch, people, options.personUpn))}</desc>`,
    `<text class="col-head" x="${colX(0) + BOX_W / 2}" y="${PAD + 14}" text-anchor="middle">Before (tenant now)</text>`,
    `<text class="col-head" x="${colX(1) + BOX_W / 2}" y="${PAD + 14}" text-anchor="middle">After (this plan)</text>`,
    ...edges.map(edgeSvg),
    ...layout.more.map((key) => moreSvg(byKey.get(key) as Node)),
    ...layout.loops.map(({ key, chain }) => loopSvg(byKey.get(key) as Node, loopLabel(chain, name))),
    moveArrow(nodes),
    ...nodes.map((node) => boxSvg(node, people, name(node.id))),
    "</svg>",
  ];
  return parts.join("\n");
}

interface LayoutNode {
  key: string;
  id: string;
  role: Role;
  col: 0 | 0.5 | 1;
  row: number;
}

interface Layout {
  rows: number;
  nodes: LayoutNode[];
  edges: { from: string; to: string; kind: Edge["kind"] }[];
  /** Keys of top nodes that have more managers above them. */
  more: string[];
  /** Top nodes whose manager is already in their chain (a loop), and that chain. */
  loops: { key: string; chain: Chain }[];
}

/**
 * Rows from the top; both people on the bottom row, so the move reads left to right. Where the two
 * chains meet (the same manager, with the same chain above it), that part is drawn once, centred.
 */
export function layoutBranch(branch: Branch): Layout {
  const before = branch.before.ids;
  const after = branch.after.ids;
  const meet = meetingPoint(branch);
  const nodes: LayoutNode[] = [];
  const edges: Layout["edges"] = [];
  const more: string[] = [];
  const loops: Layout["loops"] = [];
  const roleOf = (side: "before" | "after", index: number): Role => {
    if (index === 0) return side === "before" ? "person-before" : "person-after";
    if (index === 1) return side === "before" ? "old-manager" : "new-manager";
    return "manager";
  };

  const leftOwn = meet ? before.slice(0, meet.before) : before;
  const rightOwn = meet ? after.slice(0, meet.after) : after;
  const shared = meet ? meet.shared : [];
  const branchRows = Math.max(leftOwn.length, rightOwn.length);
  const rows = shared.length + branchRows;

  // Shared top, centred: highest first.
  shared.forEach((id, i) => {
    const key = `s${i}`;
    const index = shared.length - 1 - i; // distance from the meeting node
    nodes.push({ key, id, col: 0.5, row: i, role: sharedRole(meet as Meeting, index) });
    if (i > 0) edges.push({ from: `s${i - 1}`, to: key, kind: "shared" });
  });
  if (meet?.moreAbove) more.push("s0");
  if (meet?.loop) loops.push({ key: "s0", chain: meet.loop });

  const column = (ids: string[], side: "before" | "after", col: 0 | 1) => {
    // Bottom-aligned: the person on the last row.
    ids.forEach((id, index) => {
      const key = `${side}${index}`;
      nodes.push({ key, id, role: roleOf(side, index), col, row: rows - 1 - index });
      if (index > 0) edges.push({ from: key, to: `${side}${index - 1}`, kind: side });
    });
    const top = `${side}${ids.length - 1}`;
    const chain = side === "before" ? branch.before : branch.after;
    if (shared.length > 0) edges.push({ from: `s${shared.length - 1}`, to: top, kind: side });
    else if (chain.moreAbove) more.push(top);
    else if (chain.loop !== undefined) loops.push({ key: top, chain });
  };
  column(leftOwn, "before", 0);
  column(rightOwn, "after", 1);
  return { rows, nodes, edges, more, loops };
}

interface Meeting {
  /** Index in `before.ids` / `after.ids` of the first shared manager. */
  before: number;
  after: number;
  /** The shared chain, highest first. */
  shared: string[];
  moreAbove: boolean;
  /** Roles of the shared nodes, by distance from the meeting node. */
  roles: Role[];
  /** The chain whose top (the shared top) loops back, if one does. */
  loop?: Chain;
}

function sharedRole(meet: Meeting, index: number): Role {
  return meet.roles[index] ?? "manager";
}

/**
 * The first manager both chains reach with a consistent chain above it (one a prefix of the other:
 * the deeper read wins). A plan that changes a manager further up can make the chains differ
 * there; then they do not meet, and are drawn side by side.
 */
function meetingPoint(branch: Branch): Meeting | undefined {
  const before = branch.before.ids;
  const after = branch.after.ids;
  for (let i = 1; i < before.length; i++) {
    const j = after.indexOf(before[i] as string, 1);
    if (j < 1) continue;
    const up = [before.slice(i), after.slice(j)] as const;
    const [shorter, longer] = up[0].length <= up[1].length ? up : ([up[1], up[0]] as const);
    if (!shorter.every((id, k) => longer[k] === id)) continue;
    const longerChain = longer === up[0] ? branch.before : branch.after;
    const moreAbove =
      up[0].length === up[1].length
        ? branch.before.moreAbove || branch.after.moreAbove
        : longerChain.moreAbove;
    // The meeting node may itself be the old or the new manager.
    const role: Role = i === 1 ? "old-manager" : j === 1 ? "new-manager" : "manager";
    const loop = [longerChain, branch.before, branch.after].find((chain) => chain.loop !== undefined);
    return {
      before: i,
      after: j,
      shared: [...longer].reverse(),
      moreAbove,
      roles: [role],
      ...(loop ? { loop } : {}),
    };
  }
  return undefined;
}

const CAPTION: Record<Role, string> = {
  "person-before": "before",
  "person-after": "after",
  "old-manager": "current manager",
  "new-manager": "new manager",
  manager: "",
};

function boxSvg(node: Node, people: OrgDirectory, name: string): string {
  const person = people.get(node.id);
  const upn = person?.userPrincipalName ?? "";
  const alone = node.role.startsWith("person-") && node.alone;
  const caption = alone ? `${CAPTION[node.role]} · no manager` : CAPTION[node.role];
  const label = [name, upn && upn !== name ? upn : "", caption].filter(Boolean).join(", ");
  const lines = [
    `<g class="node ${node.role}" transform="translate(${node.x} ${node.y})">`,
    `<title>${html(label)}</title>`,
    `<rect width="${BOX_W}" height="${BOX_H}" rx="6"/>`,
    `<text class="name" x="10" y="20">${html(clipText(name, NAME_CHARS))}</text>`,
  ];
  if (upn && upn !== name)
    lines.push(`<text class="upn" x="10" y="38">${html(clipText(upn, UPN_CHARS))}</text>`);
  if (caption)
    lines.push(
      `<text class="caption" x="${BOX_W - 8}" y="${BOX_H + 13}" text-anchor="end">${html(caption)}</text>`,
    );
  lines.push("</g>");
  return lines.join("");
}

function edgeSvg(edge: Edge): string {
  const x1 = edge.from.x + BOX_W / 2;
  const y1 = edge.from.y + BOX_H;
  const x2 = edge.to.x + BOX_W / 2;
  const y2 = edge.to.y;
  const mid = (y1 + y2) / 2;
  return `<path class="edge ${edge.kind}" d="M${x1} ${y1} V${mid} H${x2} V${y2}"/>`;
}

function moreSvg(node: Node): string {
  return `<text class="more" x="${node.x + BOX_W / 2}" y="${node.y - 6}" text-anchor="middle"><title>more managers above, not shown</title>⋮</text>`;
}

/** A loop is said in words above the box, not by colour or a symbol alone. */
function loopSvg(node: Node, label: string): string {
  return `<text class="loop" x="${node.x + BOX_W / 2}" y="${node.y - 6}" text-anchor="middle"><title>${html(label)}</title>${html(clipText(label, LOOP_CHARS))}</text>`;
}

/** The arrow from the person's old place to the new one, along the bottom row. */
function moveArrow(nodes: Node[]): string {
  const from = nodes.find((n) => n.role === "person-before");
  const to = nodes.find((n) => n.role === "person-after");
  if (!from || !to) return "";
  const y = from.y + BOX_H / 2;
  const x1 = from.x + BOX_W + 6;
  const x2 = to.x - 8;
  return [
    `<path class="move" d="M${x1} ${y} H${x2}"/>`,
    `<path class="move-head" d="M${x2 - 8} ${y - 5} L${x2} ${y} L${x2 - 8} ${y + 5} Z"/>`,
    `<text class="caption" x="${(x1 + x2) / 2}" y="${y - 6}" text-anchor="middle">moves</text>`,
  ].join("");
}

function clipText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
