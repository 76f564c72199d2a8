// JSON Schema validation (ajv, draft 2020-12) of profile, _defaults.yaml and roster.yaml files,
// with every ajv error turned into a diagnostic at the position of the offending key or value.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { type Diagnostic, error } from "../diagnostics.js";
import { canonicalPhoneNumber } from "../entra/phone.js";
import { upnProblem } from "../entra/upn.js";
import { closest } from "../util/suggest.js";
import type { YamlSource } from "./yaml.js";

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module namespace.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type JsonSchema = { properties?: Record<string, JsonSchema>; required?: string[]; [key: string]: unknown };

function loadSchema(name: string): JsonSchema {
  return JSON.parse(readFileSync(new URL(`../../schema/${name}`, import.meta.url), "utf8")) as JsonSchema;
}

/** Keys that describe one person and so make no sense in a `_defaults.yaml`. */
export const PER_PROFILE_KEYS = ["userPrincipalName", "id", "photo", "authentication"] as const;

export type FileKind = "profile" | "defaults" | "config";

export interface SchemaSet {
  /** Profile keys (Graph property names plus manager, photo, authentication), in schema order. */
  profileKeys: string[];
  validate(kind: FileKind, source: YamlSource): Diagnostic[];
}

let cached: SchemaSet | undefined;
let ajvInstance: Ajv2020 | undefined;

/** One strict ajv for every schema of the project, with the formats they use. */
function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  ajvInstance = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
  addFormats(ajvInstance);
  // The same canonical form the plan compares with and apply sends, so valid here means usable there.
  ajvInstance.addFormat("international-phone", {
    type: "string",
    validate: (value) => canonicalPhoneNumber(value) !== undefined,
  });
  return ajvInstance;
}

let planValidator: ValidateFunction | undefined;

/** Problems with a saved plan document (schema/plan.schema.json), as `path: message` lines. */
export function planDocumentErrors(data: unknown): string[] {
  planValidator ??= ajv().compile(loadSchema("plan.schema.json"));
  if (planValidator(data)) return [];
  return (planValidator.errors ?? [])
    .filter(isReportable)
    .map((e) => `${e.instancePath || "/"}: ${e.message ?? "is invalid"}`);
}

/** Compiles the schemas once per process: compiling is the slow part of ajv. */
export function schemas(): SchemaSet {
  if (cached) return cached;

  const profile = loadSchema("profile.schema.json");
  const defaults: JsonSchema = structuredClone(profile);
  defaults.$id = "roster:defaults";
  delete defaults.required;
  for (const key of PER_PROFILE_KEYS) delete defaults.properties?.[key];
  const config = loadSchema("roster.schema.json");

  const validators: Record<FileKind, ValidateFunction> = {
    profile: ajv().compile(profile),
    defaults: ajv().compile(defaults),
    config: ajv().compile(config),
  };

  cached = {
    profileKeys: Object.keys(profile.properties ?? {}),
    validate(kind, source) {
      const validateFn = validators[kind];
      if (validateFn(source.data)) return [];
      return (validateFn.errors ?? []).filter(isReportable).map((e) => toDiagnostic(e, kind, source));
    },
  };
  return cached;
}

// ajv reports both the failing branch and a summary for `type: [string, null]` etc.; keep one.
function isReportable(e: ErrorObject): boolean {
  return e.keyword !== "if";
}

function toDiagnostic(e: ErrorObject, kind: FileKind, source: YamlSource): Diagnostic {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const property = path.length > 0 ? path.map(String).join(".") : undefined;
  const subject = property ? `\`${property}\`` : "the file";

  switch (e.keyword) {
    case "additionalProperty":
    case "additionalProperties": {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const at = source.locate([...path, key], { key: true });
      if (path.length === 0 && kind === "defaults" && (PER_PROFILE_KEYS as readonly string[]).includes(key)) {
        return error(at, `\`${key}\` belongs to one person and cannot be set in _defaults.yaml`);
      }
      const container = property ? ` in \`${property}\`` : "";
      // The object schema that refused the key lists the keys it allows, at any depth.
      const hint = closest(key, Object.keys((e.parentSchema as JsonSchema | undefined)?.properties ?? {}));
      return error(at, `unknown key \`${key}\`${container}${hint ? ` (did you mean \`${hint}\`?)` : ""}`);
    }
    case "required": {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return error(source.locate(path), `missing required key \`${missing}\``);
    }
    case "type": {
      const expected = String((e.params as { type: string | string[] }).type)
        .split(",")
        .join(" or ");
      const actual = valueAt(source.data, path);
      const hint =
        expected.startsWith("string") && typeof actual === "number" ? ` (quote it: "${actual}")` : "";
      return error(source.locate(path), `${subject} must be ${expected}, found ${describe(actual)}${hint}`);
    }
    case "minLength": {
      // Graph refuses "" (400 "Invalid value specified for property …"); null is how a value is
      // cleared, so the repository has one spelling of "empty", the one Graph stores and returns.
      const type = (e.parentSchema as JsonSchema | undefined)?.type;
      const clearable = Array.isArray(type) && type.includes("null");
      return error(
        source.locate(path),
        clearable
          ? `${subject} is an empty string, which Graph refuses: use null to clear it`
          : `${subject} is an empty string, which Graph refuses (it cannot be cleared)`,
      );
    }
    case "maxLength":
      return error(
        source.locate(path),
        `${subject} is ${String(valueAt(source.data, path)).length} characters; Graph allows at most ${(e.params as { limit: number }).limit}`,
      );
    case "maxItems":
      return error(
        source.locate(path),
        property === "businessPhones"
          ? "`businessPhones` may hold only one number: Graph accepts a single value on write"
          : `${subject} may hold at most ${(e.params as { limit: number }).limit} items`,
      );
    case "format":
      return error(
        source.locate(path),
        formatMessage(subject, (e.params as { format: string }).format, valueAt(source.data, path)),
      );
    case "enum":
      return error(
        source.locate(path),
        `${subject} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      );
    case "pattern":
      return error(source.locate(path), patternMessage(subject, property, valueAt(source.data, path)));
    default:
      return error(source.locate(path), `${subject} ${e.message ?? "is invalid"}`);
  }
}

function formatMessage(subject: string, format: string, value: unknown): string {
  const shown = JSON.stringify(value);
  switch (format) {
    case "international-phone":
      return `${subject} ${shown} is not a valid international phone number (expected +COUNTRY NUMBER, e.g. "+1 425 555 0100")`;
    case "email":
      return `${subject} ${shown} is not a valid e-mail address`;
    case "uuid":
      return `${subject} ${shown} is not an object id (a GUID)`;
    case "date-time":
      return `${subject} ${shown} is not an ISO 8601 date and time (e.g. "2024-01-15T00:00:00Z")`;
    default:
      return `${subject} ${shown} is not a valid ${format}`;
  }
}

function patternMessage(subject: string, property: string | undefined, value: unknown): string {
  const shown = JSON.stringify(value);
  if (property === "usageLocation")
    return `${subject} ${shown} must be a two-letter ISO 3166 country code, e.g. "US"`;
  if (property === "preferredLanguage") return `${subject} ${shown} must be a language tag, e.g. "en-US"`;
  if (property === "graphUrl")
    return `${subject} ${shown} must be a service root without the version, e.g. "https://graph.microsoft.com"`;
  if (property === "mailNickname") return `${subject} ${shown} must not contain spaces, @ or ()<>[]";:\\,`;
  const problem = typeof value === "string" ? upnProblem(value) : undefined;
  return `${subject} ${shown} ${problem ?? "is not a user principal name (name@domain)"}`;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let value: unknown = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (Buffer.isBuffer(value)) return "binary data";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
