// Splitting the user list into parts Graph can list side by side. Graph pages a collection through
// `@odata.nextLink`, one page after another; a tenant listed as P filtered parts takes about 1/P of
// the time. The parts are `startswith(userPrincipalName,'…')` clauses, which Graph serves without
// advanced query mode (learn.microsoft.com/graph/aad-advanced-queries, "userPrincipalName": eq,
// in and startsWith by default) and so together with `$expand=manager`.
//
// Together the parts must hold every user exactly once. Prefixes never overlap, and at each level
// they run over every character a UPN may hold: "Only the following characters are allowed A - Z,
// a - z, 0 - 9, ' . - _ ! # ^ ~" (learn.microsoft.com/graph/api/resources/user, userPrincipalName),
// plus `$`, which that list omits but Graph holds at the start of a UPN (the user-get page,
// learn.microsoft.com/graph/api/user-get: "When the userPrincipalName begins with a `$`
// character…"), and `@` after the first. Should Graph ever hold a UPN outside that set, the
// listing's total would differ from `/users/$count` and the reader lists the tenant whole instead
// (listing.ts). Pure: no I/O.

/** Characters a UPN may start with, lower-cased (Graph compares UPNs without regard to case). */
export const UPN_FIRST_CHARACTERS: readonly string[] = [..."abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~$"];
/** Characters a UPN may hold after the first: the same and the `@` before the domain. */
const UPN_NEXT_CHARACTERS: readonly string[] = [...UPN_FIRST_CHARACTERS, "@"];

/**
 * Graph refuses a filter with more than 15 clauses joined by `or` ("Too many child clauses
 * specified in search filter expression containing 'OR' operators: 16. Max allowed: 15";
 * github.com/microsoftgraph/microsoft-graph-docs/issues/21098, the 15-item limit documented for
 * `in` by github.com/microsoftgraph/microsoft-graph-docs/pull/22097).
 */
export const MAX_OR_CLAUSES = 15;
/** A prefix is split no deeper than this; beyond it users share long common prefixes. */
const MAX_PREFIX_LENGTH = 12;

export interface Partition {
  /** Lower-cased prefixes; a user belongs to the part whose prefix starts its UPN. */
  prefixes: string[];
  /** Users of `upns` (the repository's profiles) that fall in this part. */
  expected: number;
}

interface Leaf {
  prefix: string;
  upns: string[];
}

/**
 * About `count` parts of about equal size, judged by `upns` (the UPNs the repository knows: most
 * of a managed tenant), each of at most {@link MAX_OR_CLAUSES} prefixes: at least
 * ceil(prefixes / 15) parts, since all of them must be listed.
 */
export function upnPartitions(upns: readonly string[], count: number): Partition[] {
  return upnPartitionings(upns, [count])[0] as Partition[];
}

/** {@link upnPartitions} for several counts at once: the prefixes are found once, for the largest. */
export function upnPartitionings(upns: readonly string[], counts: readonly number[]): Partition[][] {
  const leaves = prefixLeaves(upns, Math.max(1, ...counts));
  return counts.map((count) => group(leaves, count));
}

/** Prefixes covering every UPN, none holding more than a `count`th of `upns` where it can be split. */
function prefixLeaves(upns: readonly string[], count: number): Leaf[] {
  const lower = upns.map((u) => u.toLowerCase());
  let leaves: Leaf[] = children("", lower, UPN_FIRST_CHARACTERS);
  const target = Math.max(1, Math.ceil(lower.length / Math.max(1, count)));
  // Split the largest prefix into its one-character-longer children until every prefix fits a part.
  for (;;) {
    let largest = -1;
    leaves.forEach((leaf, i) => {
      const splittable = !leaf.prefix.includes("@") && leaf.prefix.length < MAX_PREFIX_LENGTH;
      if (
        splittable &&
        leaf.upns.length > target &&
        (largest < 0 || leaf.upns.length > (leaves[largest] as Leaf).upns.length)
      )
        largest = i;
    });
    if (largest < 0) break;
    const { prefix, upns: inside } = leaves[largest] as Leaf;
    leaves = [
      ...leaves.slice(0, largest),
      ...children(prefix, inside, UPN_NEXT_CHARACTERS),
      ...leaves.slice(largest + 1),
    ];
  }
  return leaves;
}

/** The one-character-longer prefixes of `prefix`, with the UPNs each holds. */
function children(prefix: string, upns: readonly string[], alphabet: readonly string[]): Leaf[] {
  const byCharacter = new Map(alphabet.map((c) => [c, [] as string[]]));
  for (const upn of upns) byCharacter.get(upn[prefix.length] as string)?.push(upn);
  return alphabet.map((c) => ({ prefix: prefix + c, upns: byCharacter.get(c) as string[] }));
}

/**
 * Packs the prefixes into parts: those holding known users first, largest first, each into the
 * smallest part with room for another clause; then the empty ones (they must be listed too: users
 * without a profile may be there) wherever there is room. A part holds at most
 * {@link MAX_OR_CLAUSES} prefixes, so more than `count` parts come back when the prefixes need it.
 */
function group(leaves: readonly Leaf[], count: number): Partition[] {
  const parts: Partition[] = Array.from({ length: Math.max(1, count) }, () => ({
    prefixes: [],
    expected: 0,
  }));
  const place = (leaf: Leaf, better: (a: Partition, b: Partition) => number) => {
    const open = parts.filter((part) => part.prefixes.length < MAX_OR_CLAUSES).sort(better);
    let part = open[0];
    if (!part) {
      part = { prefixes: [], expected: 0 };
      parts.push(part);
    }
    part.prefixes.push(leaf.prefix);
    part.expected += leaf.upns.length;
  };
  const occupied = leaves.filter((l) => l.upns.length > 0).sort((a, b) => b.upns.length - a.upns.length);
  for (const leaf of occupied) place(leaf, (a, b) => a.expected - b.expected);
  for (const leaf of leaves.filter((l) => l.upns.length === 0))
    place(leaf, (a, b) => a.prefixes.length - b.prefixes.length);
  for (const part of parts) part.prefixes.sort();
  return parts.filter((part) => part.prefixes.length > 0);
}

/** The `$filter` of a part: its prefixes joined by `or`. */
export function partitionFilter(partition: Partition): string {
  return partition.prefixes
    .map((p) => `startswith(userPrincipalName,'${p.replaceAll("'", "''")}')`)
    .join(" or ");
}
