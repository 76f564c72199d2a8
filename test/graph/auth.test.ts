// Credential selection from the environment: pure, no network, no token in any description.
import {
  AzureCliCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  WorkloadIdentityCredential,
} from "@azure/identity";
import { describe, expect, it } from "vitest";
import {
  CredentialConfigError,
  githubOidcAssertion,
  graphScopes,
  StaticTokenCredential,
  selectCredential,
} from "../../src/graph/auth.js";

const ids = { AZURE_TENANT_ID: "tenant-guid", AZURE_CLIENT_ID: "client-guid" };
const gh = {
  ACTIONS_ID_TOKEN_REQUEST_URL: "https://token.example.invalid/?x=1",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "req-token",
};

describe("selectCredential", () => {
  it("picks by precedence: static token, GitHub OIDC, workload identity, secret, certificate, CLI", () => {
    const all = {
      ROSTER_ACCESS_TOKEN: "tok",
      ...gh,
      ...ids,
      AZURE_FEDERATED_TOKEN_FILE: "/f",
      AZURE_CLIENT_SECRET: "s",
      AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem",
    };
    expect(selectCredential(all).kind).toBe("static-token");
    const { ROSTER_ACCESS_TOKEN: _, ...noToken } = all;
    expect(selectCredential(noToken).kind).toBe("github-oidc");
    const { ACTIONS_ID_TOKEN_REQUEST_URL: _u, ...noGh } = noToken;
    expect(selectCredential(noGh).kind).toBe("workload-identity");
    const { AZURE_FEDERATED_TOKEN_FILE: _f, ...noFile } = noGh;
    expect(selectCredential(noFile).kind).toBe("client-secret");
    const { AZURE_CLIENT_SECRET: _s, ...noSecret } = noFile;
    expect(selectCredential(noSecret).kind).toBe("client-certificate");
    expect(selectCredential({}).kind).toBe("azure-cli");
    // GitHub's variables without the app ids fall through (e.g. to an `azure/login` CLI session).
    expect(selectCredential({ ...gh }).kind).toBe("azure-cli");
  });

  it("constructs the matching @azure/identity class without touching the network", () => {
    expect(selectCredential({ ROSTER_ACCESS_TOKEN: "t" }).create()).toBeInstanceOf(StaticTokenCredential);
    expect(selectCredential({ ...gh, ...ids }).create()).toBeInstanceOf(ClientAssertionCredential);
    expect(selectCredential({ ...ids, AZURE_FEDERATED_TOKEN_FILE: "/f" }).create()).toBeInstanceOf(
      WorkloadIdentityCredential,
    );
    expect(selectCredential({ ...ids, AZURE_CLIENT_SECRET: "s" }).create()).toBeInstanceOf(
      ClientSecretCredential,
    );
    expect(selectCredential({ ...ids, AZURE_CLIENT_CERTIFICATE_PATH: "/c.pem" }).create()).toBeInstanceOf(
      ClientCertificateCredential,
    );
    expect(selectCredential({}).create()).toBeInstanceOf(AzureCliCredential);
  });

  it("never puts a secret in the description and names missing ids", () => {
    const choices = [
      selectCredential({ ROSTER_ACCESS_TOKEN: "tok-SECRET" }),
      selectCredential({ ...ids, AZURE_CLIENT_SECRET: "pw-SECRET" }),
      selectCredential({ ...gh, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "gh-SECRET", ...ids }),
    ];
    for (const c of choices) expect(c.description).not.toContain("SECRET");
    expect(() => selectCredential({ AZURE_CLIENT_SECRET: "s", AZURE_CLIENT_ID: "c" })).toThrow(
      CredentialConfigError,
    );
    expect(() => selectCredential({ AZURE_CLIENT_SECRET: "s", AZURE_CLIENT_ID: "c" })).toThrow(
      /AZURE_TENANT_ID/,
    );
  });
});

describe("GitHub OIDC assertion", () => {
  it("asks the runner for a token with the Entra audience and returns its value", async () => {
    const calls: { url: string; auth: string | null }[] = [];
    const fakeFetch = (async (url: URL | string, init?: RequestInit) => {
      calls.push({ url: String(url), auth: new Headers(init?.headers).get("authorization") });
      return new Response(JSON.stringify({ value: "jwt.from.github" }), { status: 200 });
    }) as typeof fetch;
    expect(await githubOidcAssertion(gh, fakeFetch)()).toBe("jwt.from.github");
    expect(calls).toEqual([
      {
        url: "https://token.example.invalid/?x=1&audience=api%3A%2F%2FAzureADTokenExchange",
        auth: "bearer req-token",
      },
    ]);
    const failing = (async () => new Response("no", { status: 403 })) as unknown as typeof fetch;
    await expect(githubOidcAssertion(gh, failing)()).rejects.toThrow(/HTTP 403/);
  });
});

describe("StaticTokenCredential and scopes", () => {
  it("returns the token and hides it from JSON", async () => {
    const c = new StaticTokenCredential("abc");
    expect((await c.getToken())?.token).toBe("abc");
    expect(JSON.stringify({ c })).not.toContain("abc");
    expect(graphScopes("https://graph.microsoft.com")).toEqual(["https://graph.microsoft.com/.default"]);
    expect(graphScopes("https://graph.microsoft.us/")).toEqual(["https://graph.microsoft.us/.default"]);
  });
});
