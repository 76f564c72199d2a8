// The per-user baseline, measured in the same run against the same emulator: the request pattern of
// per-resource tools (a Terraform provider, a PowerShell loop): one GET per managed user, one write
// per change, no batching, no listing; the same number of requests in flight as roster (8) over
// kept-alive connections, waiting out 429s as Graph asks.
import { createGraphClient } from "../src/graph/index.js";
import { mapLimit } from "../src/util/map-limit.js";
import { CONCURRENCY } from "./floor.js";

export interface BaselineResult {
  requests: number;
  throttled: number;
  readMs: number;
  writeMs: number;
}

export async function perUserBaseline(
  graph: { origin: string; caPem: string },
  reads: readonly string[],
  select: string,
  writes: readonly { userPrincipalName: string; body: Record<string, unknown> }[],
): Promise<BaselineResult> {
  let requests = 0;
  let throttled = 0;
  const client = createGraphClient({
    graphUrl: graph.origin,
    caCertPem: graph.caPem,
    token: "bench",
    maxInFlight: CONCURRENCY,
    // A large tenant is read for minutes under the RU budget: never give up waiting.
    retry: { maxAttempts: 1000, maxTotalWaitMs: 3_600_000 },
    onRequest: (event) => {
      requests++;
      if (event.status === 429) throttled++;
    },
  });
  try {
    let started = performance.now();
    await mapLimit(reads, CONCURRENCY * 4, (upn) =>
      client.get(`/users/${encodeURIComponent(upn)}?$select=${select}`),
    );
    const readMs = performance.now() - started;
    started = performance.now();
    await mapLimit(writes, CONCURRENCY * 4, (write) =>
      client.patch(`/users/${encodeURIComponent(write.userPrincipalName)}`, write.body, { idempotent: true }),
    );
    return { requests, throttled, readMs, writeMs: performance.now() - started };
  } finally {
    client.close();
  }
}
