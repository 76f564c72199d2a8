// Counting Graph traffic for the plan and apply summaries and the apply report.
import type { GraphRequestEvent } from "./middleware.js";

export interface RequestCounts {
  /** HTTP requests sent, retries included. */
  total: number;
  byMethod: Record<string, number>;
  /** Of those, repeats of an earlier attempt. */
  retries: number;
}

/** Fresh counts and the `onRequest` hook of the client that fills them. */
export function requestCounter(): { counts: RequestCounts; onRequest: (event: GraphRequestEvent) => void } {
  const counts: RequestCounts = { total: 0, byMethod: {}, retries: 0 };
  return {
    counts,
    onRequest: (event) => {
      counts.total++;
      counts.byMethod[event.method] = (counts.byMethod[event.method] ?? 0) + 1;
      if (event.attempt > 1) counts.retries++;
    },
  };
}
