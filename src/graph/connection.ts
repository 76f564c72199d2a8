// Where Graph is and which extra certificate to trust: flags win over the environment, which wins
// over roster.yaml.
import { readFile } from "node:fs/promises";
import { RosterError } from "../errors.js";
import { parseGraphUrl, serviceRootOf } from "./url.js";

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

/** The CA certificate named by --ca-cert / ROSTER_CA_CERT cannot be used. */
export class CaCertificateError extends RosterError {}

export async function resolveConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  configGraphUrl: string,
): Promise<Connection> {
  const [raw, source] =
    flags.graphUrl !== undefined
      ? [flags.graphUrl, "--graph-url"]
      : env.ROSTER_GRAPH_URL !== undefined
        ? [env.ROSTER_GRAPH_URL, "ROSTER_GRAPH_URL"]
        : [configGraphUrl, "graphUrl in roster.yaml"];
  const connection: Connection = { graphUrl: serviceRootOf(parseGraphUrl(raw, source)) };
  const caPath = flags.caCert ?? env.ROSTER_CA_CERT;
  if (caPath) {
    try {
      connection.caPem = await readFile(caPath, "utf8");
    } catch (err) {
      throw new CaCertificateError(
        `cannot read the CA certificate ${caPath}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    if (!connection.caPem.includes("-----BEGIN CERTIFICATE-----"))
      throw new CaCertificateError(`${caPath} is not a PEM certificate`);
  }
  return connection;
}
