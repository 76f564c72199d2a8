// Turning whatever the caller or Graph hands us (a relative path, a path with the version, an
// absolute `@odata.nextLink` from any origin) into a path relative to the version root, which is
// the only form we pass to the SDK. Requests therefore always go to the configured service root,
// and the token never follows a link to another host.
//
// Why not give the SDK the absolute link: `GraphRequest.parsePath` only recognises `https://`, so
// an `http://` nextLink is appended to the base as if it were a path, and an `https://` link to a
// different host is followed there (graph-contract §9.3.2).

import { RosterError } from "../errors.js";

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** A link from Graph (an `@odata.nextLink`) roster will not follow. */
export class GraphPathError extends RosterError {}

/** `/users?$top=1` from `/users?$top=1`, `users?…`, `/v1.0/users?…` or `https://host[:port][/prefix]/v1.0/users?…`. */
export function toVersionRelative(pathOrUrl: string, version: string): string {
  let relative: string;
  if (ABSOLUTE.test(pathOrUrl)) {
    const url = new URL(pathOrUrl);
    const marker = `/${version}/`;
    const at = url.pathname.indexOf(marker);
    if (at === -1) throw new GraphPathError(`link ${url.pathname} does not contain ${marker}`);
    relative = url.pathname.slice(at + marker.length - 1) + url.search;
  } else {
    relative = pathOrUrl.startsWith("/") ? pathOrUrl : `/${pathOrUrl}`;
    if (relative.startsWith(`/${version}/`)) relative = relative.slice(version.length + 1);
  }
  // parsePath looks for "https://" anywhere in the string, query included; a literal in a $filter
  // would be taken for a host. Percent-encoding the colon keeps the meaning on the wire.
  return relative.replace(/https:\/\//gi, "https%3A//");
}

/** The version-relative path of a full request URL, for logs and errors (never the host). */
export function pathForLog(url: string, version: string): string {
  try {
    return toVersionRelative(url, version);
  } catch {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    return parsed ? parsed.pathname + parsed.search : url;
  }
}
