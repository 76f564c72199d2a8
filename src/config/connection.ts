// Where Graph is and which extra certificate to trust: flags win over the environment, which wins
// over roster.yaml.
import { readFile } from "node:fs/promises";
import type { RosterConfig } from "./load.js";

export interface ConnectionFlags {
  graphUrl?: string;
  caCert?: string;
}

export interface Connection {
  /** Service root without the version, no trailing slash. */
  graphUrl: string;
  /** PEM of an extra CA to trust (the emulator's self-signed certificate). */
  caPem?: string;
}

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  config: RosterConfig,
): Promise<Connection> {
  const raw = flags.graphUrl ?? env.ROSTER_GRAPH_URL ?? config.graphUrl;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConnectionError(`Graph URL ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConnectionError(`Graph URL ${raw} must be https://`);
  if (/\/v1\.0\/?$|\/beta\/?$/.test(url.pathname)) {
    throw new ConnectionError(
      `Graph URL ${raw} must be the service root without the version (roster adds /v1.0)`,
    );
  }
  const connection: Connection = { graphUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
  const caPath = flags.caCert ?? env.ROSTER_CA_CERT;
  if (caPath) {
    try {
      connection.caPem = await readFile(caPath, "utf8");
    } catch (err) {
      throw new ConnectionError(
        `cannot read the CA certificate ${caPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    if (!connection.caPem.includes("-----BEGIN CERTIFICATE-----"))
      throw new ConnectionError(`${caPath} is not a PEM certificate`);
  }
  return connection;
}
