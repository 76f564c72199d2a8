// Profile photos are served by Exchange Online, so Outlook's limits apply to them, not the identity
// budget of throttle.ts (concepts/throttling-limits.md, "Outlook service limits"; "Outlook service
// resources: Profile API — Photo"). Per app and mailbox:
//   - 4 concurrent requests ("Application is over its MailboxConcurrency limit.");
//   - 10,000 requests in 10 minutes;
//   - 150 MB of uploads (PATCH, POST, PUT) in 5 minutes.
// A request over a limit gets 429 with `Retry-After`. Inside one `$batch` Graph runs at most 4
// Outlook requests at a time (the batch waits rather than failing), see batch.ts. On only while
// throttling is enabled (`PUT /_emulator/throttling`), like the identity limits; windows and
// limits can be lowered for tests.
import type { EmulatorRequest } from "./types.js";
import { GraphHttpError } from "./types.js";

export interface OutlookLimits {
  outlookConcurrency: number;
  outlookRequestLimit: number;
  outlookRequestWindowMs: number;
  outlookUploadBytes: number;
  outlookUploadWindowMs: number;
}

export const OUTLOOK_DEFAULTS: OutlookLimits = {
  outlookConcurrency: 4,
  outlookRequestLimit: 10_000,
  outlookRequestWindowMs: 600_000,
  outlookUploadBytes: 150 * 1024 * 1024,
  outlookUploadWindowMs: 300_000,
};

/** Inside `$batch`, Graph hands the Outlook service at most this many of a batch's requests at once. */
export const OUTLOOK_BATCH_PARALLELISM = 4;

/** Whether a request goes to Exchange Online's Profile API (a user's photo). */
export function isOutlookRequest(req: Pick<EmulatorRequest, "segments">): boolean {
  const [first, key, third] = req.segments;
  return first === "users" && key !== undefined && (third === "photo" || third === "photos");
}

interface MailboxUsage {
  inFlight: number;
  requests: number[];
  uploads: { at: number; bytes: number }[];
}

export class OutlookThrottle {
  private usage = new Map<string, MailboxUsage>();

  constructor(private readonly limits: () => { enabled: boolean } & OutlookLimits) {}

  reset(): void {
    this.usage.clear();
  }

  /**
   * Admits one request of `appId` to `mailbox` (uploading `bytes`) and returns the function that
   * ends it; throws 429 when a limit is reached. A no-op while throttling is off.
   */
  enter(appId: string, mailbox: string, bytes: number, now = Date.now()): () => void {
    const limits = this.limits();
    if (!limits.enabled) return () => {};
    const key = `${appId}/${mailbox.toLowerCase()}`;
    const usage = this.usage.get(key) ?? { inFlight: 0, requests: [], uploads: [] };
    this.usage.set(key, usage);
    usage.requests = usage.requests.filter((at) => now - at < limits.outlookRequestWindowMs);
    usage.uploads = usage.uploads.filter((u) => now - u.at < limits.outlookUploadWindowMs);
    if (usage.inFlight >= limits.outlookConcurrency) {
      throw throttled(1000, "Application is over its MailboxConcurrency limit.");
    }
    if (usage.requests.length >= limits.outlookRequestLimit) {
      const oldest = usage.requests[0] ?? now;
      throw throttled(
        oldest + limits.outlookRequestWindowMs - now,
        "Application is over its MailboxRequest limit.",
      );
    }
    const uploaded = usage.uploads.reduce((sum, u) => sum + u.bytes, 0);
    if (bytes > 0 && uploaded + bytes > limits.outlookUploadBytes) {
      const oldest = usage.uploads[0]?.at ?? now;
      throw throttled(
        oldest + limits.outlookUploadWindowMs - now,
        "Application is over its MailboxUpload limit.",
      );
    }
    usage.inFlight += 1;
    usage.requests.push(now);
    if (bytes > 0) usage.uploads.push({ at: now, bytes });
    let done = false;
    return () => {
      if (done) return;
      done = true;
      usage.inFlight -= 1;
    };
  }
}

function throttled(waitMs: number, message: string): GraphHttpError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new GraphHttpError(429, "ApplicationThrottled", message, { "Retry-After": String(retryAfter) });
}
