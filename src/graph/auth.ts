// Which credential to use, decided from the environment alone (graph-contract §9.1). The choice is
// a pure function returning a description and a constructor, so it is tested without network and
// without building any credential; `create()` builds it. Descriptions name ids, never secrets.
import type { AccessToken, TokenCredential } from "@azure/identity";
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { RosterError } from "../errors.js";

export type CredentialKind =
  | "static-token"
  | "github-oidc"
  | "workload-identity"
  | "client-secret"
  | "client-certificate"
  | "azure-cli";

export interface CredentialChoice {
  kind: CredentialKind;
  /** For a log line: which credential and which app/tenant; never a secret. */
  description: string;
  create(): TokenCredential;
}

/** The environment names a credential but not everything it needs. */
export class CredentialConfigError extends RosterError {}

/** No token could be had: the credential's own error, with which credential was tried. */
export class SignInError extends RosterError {
  /** The @azure/identity error class (`CredentialUnavailableError`, `AuthenticationError`, …). */
  readonly credentialErrorName: string;

  constructor(error: unknown, credential: string) {
    const name = error instanceof Error ? error.name : "Error";
    const detail = error instanceof Error ? error.message : String(error);
    // @azure/identity messages run to many lines (troubleshooting links): the first one says it.
    const first = detail.split("\n").find((line) => line.trim() !== "") ?? name;
    super(`signing in with ${credential} failed: ${first.trim()}`, {
      cause: error,
      hint:
        name === "CredentialUnavailableError"
          ? 'no Azure credential found; set ROSTER_ACCESS_TOKEN or the AZURE_* variables, or sign in with az login (README.md, "Commands")'
          : undefined,
    });
    this.credentialErrorName = name;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Where Entra ID signs apps in for the global cloud (@azure/identity's default). */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

export function selectCredential(env: Env = process.env, fetchImpl: typeof fetch = fetch): CredentialChoice {
  const token = env.ROSTER_ACCESS_TOKEN;
  if (token) {
    return {
      kind: "static-token",
      description: "static bearer token from ROSTER_ACCESS_TOKEN",
      create: () => new StaticTokenCredential(token),
    };
  }
  const tenantId = env.AZURE_TENANT_ID;
  const clientId = env.AZURE_CLIENT_ID;
  // Sovereign clouds sign in elsewhere (https://login.microsoftonline.us, …): named in every error.
  const authorityHost = env.AZURE_AUTHORITY_HOST || DEFAULT_AUTHORITY_HOST;
  const options = { authorityHost };
  const app = `client ${clientId}, tenant ${tenantId}, authority ${authorityHost}`;

  // In a GitHub Actions job with `permissions: id-token: write`. A callback fetches a fresh GitHub
  // ID token whenever Entra needs one, so long jobs never hit the short assertion lifetime that
  // breaks `azure/login` + Azure CLI (AADSTS700024, https://github.com/Azure/login/issues/372).
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN && tenantId && clientId) {
    const getAssertion = githubOidcAssertion(env, fetchImpl);
    return {
      kind: "github-oidc",
      description: `GitHub Actions OIDC federation (ClientAssertionCredential, ${app})`,
      create: () => new ClientAssertionCredential(tenantId, clientId, getAssertion, options),
    };
  }
  if (env.AZURE_FEDERATED_TOKEN_FILE) {
    const tokenFilePath = env.AZURE_FEDERATED_TOKEN_FILE;
    requireIds("AZURE_FEDERATED_TOKEN_FILE", tenantId, clientId);
    return {
      kind: "workload-identity",
      description: `workload identity (WorkloadIdentityCredential, ${app}, token file ${tokenFilePath})`,
      create: () => new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath, ...options }),
    };
  }
  if (env.AZURE_CLIENT_SECRET) {
    const secret = env.AZURE_CLIENT_SECRET;
    requireIds("AZURE_CLIENT_SECRET", tenantId, clientId);
    return {
      kind: "client-secret",
      description: `client secret (ClientSecretCredential, ${app})`,
      create: () => new ClientSecretCredential(tenantId!, clientId!, secret, options),
    };
  }
  if (env.AZURE_CLIENT_CERTIFICATE_PATH) {
    const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH;
    requireIds("AZURE_CLIENT_CERTIFICATE_PATH", tenantId, clientId);
    return {
      kind: "client-certificate",
      description: `client certificate (ClientCertificateCredential, ${app}, ${certificatePath})`,
      create: () => new ClientCertificateCredential(tenantId!, clientId!, certificatePath, options),
    };
  }
  return {
    kind: "azure-cli",
    description: `Azure CLI login (AzureCliCredential${tenantId ? `, tenant ${tenantId}` : ""})`,
    create: () => new AzureCliCredential(tenantId ? { tenantId } : {}),
  };
}

function requireIds(variable: string, tenantId: string | undefined, clientId: string | undefined): void {
  const missing = [!tenantId && "AZURE_TENANT_ID", !clientId && "AZURE_CLIENT_ID"].filter(Boolean);
  if (missing.length > 0)
    throw new CredentialConfigError(`${variable} is set but ${missing.join(" and ")} not`);
}

/**
 * The GitHub OIDC assertion callback: `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=api://AzureADTokenExchange`
 * with the request token as bearer; the JWT is the `value` field (graph-contract §9.1 [GH-OIDC]).
 */
export function githubOidcAssertion(env: Env, fetchImpl: typeof fetch = fetch): () => Promise<string> {
  return async () => {
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
    url.searchParams.set("audience", "api://AzureADTokenExchange");
    const response = await fetchImpl(url, {
      headers: { Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    if (!response.ok) throw new Error(`GitHub OIDC token request failed: HTTP ${response.status}`);
    const body = (await response.json()) as { value?: unknown };
    if (typeof body.value !== "string") throw new Error("GitHub OIDC token response has no value");
    return body.value;
  };
}

/** A fixed bearer token (ROSTER_ACCESS_TOKEN, used with the emulator). */
export class StaticTokenCredential implements TokenCredential {
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async getToken(): Promise<AccessToken> {
    return { token: this.#token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }

  /** Keeps the token out of `console.log(credential)` and JSON logs. */
  toJSON(): string {
    return "StaticTokenCredential(***)";
  }
}

/**
 * App-only scope for the configured cloud: `<origin>/.default` (https://graph.microsoft.com/.default
 * for the global service). For the emulator this names a resource Entra does not know, so a real
 * credential fails loudly instead of sending a real token to a local process: use ROSTER_ACCESS_TOKEN.
 */
export function graphScopes(graphUrl: string): string[] {
  return [`${new URL(graphUrl).origin}/.default`];
}

/** The `tid` claim of a JWT access token, or undefined for anything else (e.g. a static test token). */
export function tenantIdOfToken(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as {
      tid?: unknown;
    };
    return typeof payload.tid === "string" ? payload.tid : undefined;
  } catch {
    return undefined;
  }
}
