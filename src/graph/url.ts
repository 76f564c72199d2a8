// The Graph service root, checked once by the one rule every entry point uses (flags, environment,
// roster.yaml, and direct callers of the client).
import { RosterError } from "../errors.js";

/** A Graph URL roster will not use: not a URL, the wrong scheme, a version, a query. */
export class GraphUrlError extends RosterError {}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Parses the service root (`https://graph.microsoft.com`, `https://127.0.0.1:PORT`): https, or plain
 * http on this machine only (a bearer token in clear text never leaves it); no version segment
 * (roster adds `/v1.0`), no query or fragment. `source` names where the value came from.
 */
export function parseGraphUrl(raw: string, source = "the Graph URL"): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GraphUrlError(`${source} ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new GraphUrlError(`${source} ${raw} must be https://`);
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname))
    throw new GraphUrlError(`${source} ${raw} must be https:// (plain http only for 127.0.0.1/localhost)`);
  if (url.search || url.hash) throw new GraphUrlError(`${source} ${raw} must not have a query or fragment`);
  if (/\/(v1\.0|beta)\/?$/.test(url.pathname)) {
    throw new GraphUrlError(
      `${source} ${raw} must be the service root without the version (roster adds /v1.0)`,
    );
  }
  return url;
}

/** The service root as roster records it: origin and path, no trailing slash. */
export function serviceRootOf(url: URL): string {
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}
