// The emulator's mutable runtime: the tenant, fault rules, throttling, the request log, the photo
// uploads and settings. One instance per running emulator, shared by the HTTP server, `$batch` and the
// `/_emulator/` control routes.
import { Faults } from "./faults.js";
import { OutlookThrottle } from "./outlook.js";
import type { Store } from "./store.js";
import { defaultThrottleConfig, Throttle } from "./throttle.js";

export interface LogEntry {
  method: string;
  /** Path after /v1.0, percent-decoded. */
  path: string;
  /** The raw query string without `?`. */
  query: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  inBatch: boolean;
}

/** Keeps the newest entries only, so a long-running demo cannot grow without bound. */
const MAX_LOG = 100_000;

export class RequestLog {
  private entries: LogEntry[] = [];

  add(entry: LogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_LOG) this.entries.splice(0, this.entries.length - MAX_LOG);
  }

  all(): readonly LogEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}

/** A photo upload the emulator accepted, with the bytes as they arrived (before its re-encoding). */
export interface PhotoUpload {
  /** The user's object id. */
  userId: string;
  contentType: string;
  bytes: Buffer;
}

/** Photo uploads are up to 4 MB each: only the newest are kept. */
const MAX_UPLOADS = 100;

/**
 * The bytes of each accepted photo upload, for tests to inspect: the emulator re-encodes what it
 * stores (as Graph does), so only the upload itself shows whether a client sent a normalised JPEG
 * or the original file with its size, EXIF and GPS tags.
 */
export class PhotoUploadLog {
  private entries: PhotoUpload[] = [];

  add(upload: PhotoUpload): void {
    this.entries.push(upload);
    if (this.entries.length > MAX_UPLOADS) this.entries.splice(0, this.entries.length - MAX_UPLOADS);
  }

  all(): readonly PhotoUpload[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}

export class EmulatorContext {
  readonly faults: Faults;
  readonly log = new RequestLog();
  /** Connections accepted (TLS sessions established, with HTTPS), for tests of connection reuse. */
  readonly connections = { opened: 0 };
  readonly photoUploads = new PhotoUploadLog();
  readonly throttle: Throttle;
  /** Outlook's per-mailbox limits on photos, on while `throttle` is enabled. */
  readonly outlook = new OutlookThrottle(() => this.throttle.config);
  private current: Store;
  private staleMs = 0;

  constructor(
    store: Store,
    /** Extra latency added to every HTTP request to /v1.0. */
    public latencyMs = 0,
    /** Called with unexpected handler errors (emulator bugs), which clients see as 500. */
    public onInternalError: (err: unknown) => void = () => {},
    /** Ignore the state's apps: any token may do anything (a quick local try of a demo state). */
    readonly anyToken = false,
    /** Seed of fault injection's random choices; default a fresh one (GET /_emulator/seed tells it). */
    faultSeed?: number,
  ) {
    this.faults = new Faults(faultSeed);
    this.current = store;
    this.throttle = new Throttle(defaultThrottleConfig(store.size), () => this.current.tenant.id);
  }

  get store(): Store {
    return this.current;
  }

  /** Swaps in a newly loaded tenant, keeping the consistency setting and the clock. */
  replaceStore(store: Store): void {
    store.staleReadMs = this.staleMs;
    store.clock = this.current.clock;
    this.current = store;
  }

  get staleReadMs(): number {
    return this.staleMs;
  }

  set staleReadMs(ms: number) {
    this.staleMs = ms;
    this.current.staleReadMs = ms;
  }
}
