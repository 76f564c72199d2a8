// roster.yaml: where the tenant is and the guard rails around it.
import { join } from "node:path";
import { type Diagnostic, error, fileStart } from "../diagnostics.js";
import { schemas } from "../source/schema.js";
import { readYamlFile, type YamlSource } from "../source/yaml.js";
import { isSymbolicLink } from "../util/links.js";
import { closest } from "../util/suggest.js";

export const CONFIG_FILE = "roster.yaml";

export interface RosterConfig {
  tenant: string;
  /** Service root without the version; `--graph-url` / `ROSTER_GRAPH_URL` override it. */
  graphUrl: string;
  scope: { filter?: string };
  /** Lower-cased UPNs and object ids of users roster never changes. */
  protected: string[];
  limits: { maxUsersChanged: number };
  /** Profile keys another system writes: never planned. */
  ownedElsewhere: string[];
  photos: { maxPixels: number; quality: number };
}

export const DEFAULT_CONFIG: Omit<RosterConfig, "tenant"> = {
  graphUrl: "https://graph.microsoft.com",
  scope: {},
  protected: [],
  limits: { maxUsersChanged: 50 },
  ownedElsewhere: [],
  photos: { maxPixels: 648, quality: 90 },
};

export type ConfigResult = {
  config: RosterConfig | undefined;
  source: YamlSource | undefined;
  diagnostics: Diagnostic[];
};

export async function loadConfig(root: string): Promise<ConfigResult> {
  // A link could make a pull request's roster.yaml any file the runner can read.
  if (await isSymbolicLink(join(root, CONFIG_FILE))) {
    return {
      config: undefined,
      source: undefined,
      diagnostics: [error(fileStart(CONFIG_FILE), `${CONFIG_FILE} must not be a symbolic link`)],
    };
  }
  const read = await readYamlFile(join(root, CONFIG_FILE), CONFIG_FILE);
  if (!read.source) {
    const missing = read.diagnostics.some((d) => d.message.includes("ENOENT"));
    return {
      config: undefined,
      source: undefined,
      diagnostics: missing
        ? [error(fileStart(CONFIG_FILE), `${CONFIG_FILE} not found: is --dir the repository root?`)]
        : read.diagnostics,
    };
  }
  const source = read.source;
  const diagnostics = schemas().validate("config", source);
  const data = source.data as Partial<RosterConfig> & { tenant: string };
  const profileKeys = schemas().profileKeys;
  const owned: unknown[] = Array.isArray(data.ownedElsewhere) ? data.ownedElsewhere : [];
  owned.forEach((key, index) => {
    if (typeof key !== "string") return;
    if (key === "userPrincipalName" || key === "id" || !profileKeys.includes(key)) {
      const hint = closest(key, profileKeys);
      diagnostics.push(
        error(
          source.locate(["ownedElsewhere", index]),
          `\`${key}\` is not a profile key that can be owned elsewhere${hint ? ` (did you mean \`${hint}\`?)` : ""}`,
        ),
      );
    }
  });
  if (diagnostics.length > 0) return { config: undefined, source, diagnostics };
  const config: RosterConfig = {
    tenant: data.tenant,
    graphUrl: (data.graphUrl ?? DEFAULT_CONFIG.graphUrl).replace(/\/+$/, ""),
    scope: data.scope ?? DEFAULT_CONFIG.scope,
    protected: (data.protected ?? []).map((entry) => entry.toLowerCase()),
    limits: { ...DEFAULT_CONFIG.limits, ...data.limits },
    ownedElsewhere: data.ownedElsewhere ?? [],
    photos: { ...DEFAULT_CONFIG.photos, ...data.photos },
  };
  return { config, source, diagnostics };
}

/** Whether roster.yaml protects this user: by UPN or by object id, case-insensitively. */
export function isProtected(
  config: Pick<RosterConfig, "protected">,
  user: { userPrincipalName?: string; id?: string },
): boolean {
  return [user.userPrincipalName, user.id].some(
    (key) => key !== undefined && config.protected.includes(key.toLowerCase()),
  );
}
