// File and folder names for exported profiles: made from a UPN's local part (and a department for
// folders), safe on Linux, macOS and Windows, and unique. A profile's file stem also names its
// default photo (`photos/<stem>.jpg`, a flat folder), so stems are unique across all folders, and
// compared case-insensitively as macOS and Windows compare file names. Pure.

/** Names Windows refuses for a file or folder, whatever the extension (`con.yaml` included). */
const WINDOWS_DEVICE_NAMES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** A guest's UPN ends its local part with `#EXT#` (`ada_fabrikam.com#EXT#@contoso.onmicrosoft.com`). */
const GUEST_SUFFIX = /#EXT#$/i;
/** Longest stem kept from a local part or department (Entra caps a local part at 64 characters). */
const MAX_NAME = 64;

export interface NamedUser {
  id: string;
  userPrincipalName: string;
}

/**
 * The stem a UPN's local part gives: lower case, the guest marker `#EXT#` dropped, every character
 * outside `a-z 0-9 . _ -` replaced by `-` (Windows refuses `<>:"/\|?*`, macOS `:`, and shells and
 * URLs stumble on `#`, `'`, `!`, `^`, `~`), no leading or trailing dots (a dot-file is skipped by
 * roster's loader, Windows drops a trailing dot), and never a Windows device name nor `_defaults`.
 */
export function stemOfUpn(upn: string): string {
  const at = upn.lastIndexOf("@");
  const local = (at < 0 ? upn : upn.slice(0, at)).replace(GUEST_SUFFIX, "");
  return safeName(local.toLowerCase().replace(/[^a-z0-9._-]/g, "-"), "user");
}

/** A department's folder: lower-case words joined by `-` (letters of any script kept, accents dropped). */
export function folderOfDepartment(department: string): string {
  const words = department
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
  return safeName(words.join("-").normalize("NFC"), "department");
}

function safeName(name: string, fallback: string): string {
  let safe = name.slice(0, MAX_NAME).replace(/^\.+/, "").replace(/\.+$/, "");
  if (safe === "") safe = fallback;
  // Windows takes `nul.txt`, `NUL .txt` and `nul..txt` for the device NUL (the name before the first
  // dot, trailing spaces and dots dropped): the `_` goes right after the device name.
  const device = /^[^.]*/.exec(safe)![0].replace(/[ .]+$/, "");
  if (WINDOWS_DEVICE_NAMES.test(device)) safe = `${device}_${safe.slice(device.length)}`;
  // `_defaults.yaml` is a folder's defaults file, not a profile.
  if (safe === "_defaults") safe = `${safe}_`;
  return safe;
}

/**
 * A unique stem for each user, by object id. Each user first gets the stem of its local part; where
 * two users share it (`adele@contoso.com`, `Adele@fabrikam.com`), or it is `taken` (lower-cased stems
 * of profile files that belong to other users), each of them gets `<stem>-<domain>`; where that is
 * still shared, `<stem>-<first 8 of the id>`, and at last the whole id. The result depends on the set
 * of users, never on their order, so exporting the same tenant twice gives the same names.
 */
export function uniqueStems(users: readonly NamedUser[], taken: ReadonlySet<string>): Map<string, string> {
  const stems = new Map<string, string>();
  const used = new Set(taken);
  const levels: ((user: NamedUser) => string)[] = [
    (u) => stemOfUpn(u.userPrincipalName),
    (u) => `${stemOfUpn(u.userPrincipalName)}-${domainOf(u.userPrincipalName)}`,
    (u) => `${stemOfUpn(u.userPrincipalName)}-${u.id.toLowerCase().slice(0, 8)}`,
    (u) => `${stemOfUpn(u.userPrincipalName)}-${u.id.toLowerCase()}`,
  ];
  let pending = [...users];
  for (const [level, nameOf] of levels.entries()) {
    const last = level === levels.length - 1;
    const candidates = pending.map((user) => ({ user, name: nameOf(user) }));
    const counts = new Map<string, number>();
    for (const { name } of candidates) counts.set(name, (counts.get(name) ?? 0) + 1);
    const next: NamedUser[] = [];
    for (const { user, name } of candidates) {
      // Object ids are unique, so the last level always settles it.
      if (last || (counts.get(name) === 1 && !used.has(name))) stems.set(user.id, name);
      else next.push(user);
    }
    for (const { user, name } of candidates) if (stems.get(user.id) === name) used.add(name);
    pending = next;
    if (pending.length === 0) break;
  }
  return stems;
}

function domainOf(upn: string): string {
  const domain = upn.slice(upn.lastIndexOf("@") + 1).toLowerCase();
  return domain.replace(/[^a-z0-9.-]/g, "-").replace(/\.+$/, "");
}
