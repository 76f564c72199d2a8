// The slice of the Graph client the tenant readers use (src/graph implements it), so that they can
// be tested against a scripted Graph.

/** The slice of the Graph client the reader needs (src/graph implements it). */
export interface TenantGraph {
  /**
   * GET one page of a collection: a relative path with query, or an absolute `@odata.nextLink`.
   * `urgent`: the next free slot goes to it before requests that can wait.
   */
  getPage<T>(
    pathOrNextLink: string,
    headers?: Record<string, string>,
    options?: { urgent?: boolean },
  ): Promise<Page<T>>;
  /** One GET; text answers (`/users/$count`) come back as a string. */
  get<T>(path: string, options?: { headers?: Record<string, string> }): Promise<T>;
  /** Many GETs through `$batch` (≤ 20 per batch); results in request order. */
  batch(items: readonly BatchGet[]): Promise<BatchGetResult[]>;
  /** Requests the client keeps on the wire at once. */
  readonly maxInFlight: number;
}

export interface BatchGet {
  method: "GET";
  url: string;
  headers?: Record<string, string>;
}

export interface Page<T> {
  value: T[];
  nextLink?: string;
  /** `@odata.count`, on the first page when `$count=true` was asked. */
  count?: number;
}

export interface BatchGetResult {
  status: number;
  /** Parsed JSON, or a Buffer for binary content. */
  body: unknown;
  /** Graph's `error.code` for a failed item. */
  errorCode?: string;
  /** What to do about a failed item (e.g. the permission to grant for a 403). */
  error?: { hint?: string };
}

/** Perceptual hashes of tenant photos by `@odata.mediaEtag`, kept between runs. */
export interface PhotoHashCache {
  get(etag: string): string | undefined;
  set(etag: string, hash: string): void;
}
