// Small wording helpers shared by messages and views.

/** `1 user`, `2 users`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
