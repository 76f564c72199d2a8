// Public surface of src/graph: everything else in roster talks to Graph through these.
export type { CredentialChoice, CredentialKind } from "./auth.js";
export {
  CredentialConfigError,
  githubOidcAssertion,
  graphScopes,
  SignInError,
  StaticTokenCredential,
  selectCredential,
} from "./auth.js";
export type { BatchItem, BatchMethod, BatchResult } from "./batch.js";
export { MAX_BATCH_SIZE } from "./batch.js";
export type {
  GraphClient,
  GraphClientOptions,
  GraphResponse,
  HttpMethod,
  Page,
  RequestOptions,
  WriteOptions,
} from "./client.js";
export { createGraphClient, GraphConfigError } from "./client.js";
export type { Connection, ConnectionFlags } from "./connection.js";
export { CaCertificateError, resolveConnection } from "./connection.js";
export type { GiveUpReason } from "./errors.js";
export { GraphRequestError, isGraphRequestError } from "./errors.js";
export type { GraphRequestEvent } from "./middleware.js";
export type { RequestCounts } from "./requests.js";
export { requestCounter } from "./requests.js";
export type { RetryOptions, RetryPolicy } from "./retry.js";
export { DEFAULT_RETRY, decideRetry, parseRetryAfter } from "./retry.js";
export type { SignedInTenant } from "./tenant.js";
export { assertExpectedTenant, readSignedInTenant, TenantMismatchError } from "./tenant.js";
export { GraphUrlError, parseGraphUrl } from "./url.js";
