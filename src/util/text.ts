// Small wording helpers shared by messages and views.

/** `1 user`, `2 users`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const NATURAL = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * Natural, case-insensitive order (`user2` before `user10`, `adele` beside `Adele`), the same on
 * every machine (a fixed locale); ties broken by code point so the order is total.
 */
export function compareNatural(a: string, b: string): number {
  return NATURAL.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
