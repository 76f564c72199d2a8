// Where Graph is and which extra certificate to trust: flags win over the environment, which wins
// over roster.yaml.
import { readFile } from "node:fs/promises";
import { RosterError } from "../errors.js";
import { GraphUrlError, parseGraphUrl, serviceRootOf } from "./url.js";

/**
 * Microsoft Graph in the global service and the national clouds
 * (https://learn.microsoft.com/graph/deployments).
 */
export const MICROSOFT_GRAPH_HOSTS = [
  "graph.microsoft.com",
  "graph.microsoft.us",
  "dod-graph.microsoft.us",
  "microsoftgraph.chinacloudapi.cn",
] as const;

function isMicrosoftGraph(url: URL): boolean {
  return (
    url.protocol === "https:" &&
    url.port === "" &&
    (MICROSOFT_GRAPH_HOSTS as readonly string[]).includes(url.hostname.toLowerCase()) &&
    (url.pathname === "/" || url.pathname === "")
  );
}

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
  const url = parseGraphUrl(raw, source);
  // roster.yaml is repository content a pull request can change: it may only name Microsoft's
  // Graph. Anything else (the emulator) needs the operator's own flag or environment and a static
  // token, so a real credential's token never follows a URL from the repository.
  if (!isMicrosoftGraph(url)) {
    const explicit = source !== "graphUrl in roster.yaml";
    if (!explicit || !env.ROSTER_ACCESS_TOKEN) {
      throw new GraphUrlError(`${source} ${raw} is not a Microsoft Graph service root`, {
        hint: explicit
          ? "a Graph URL other than Microsoft's (the emulator) is used only with a static token: set ROSTER_ACCESS_TOKEN"
          : `roster.yaml may name only ${MICROSOFT_GRAPH_HOSTS.join(", ")}; for the emulator pass --graph-url or ROSTER_GRAPH_URL with ROSTER_ACCESS_TOKEN`,
      });
    }
  }
  const connection: Connection = { graphUrl: serviceRootOf(url) };
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
