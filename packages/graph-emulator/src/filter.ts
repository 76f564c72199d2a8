// `$filter` for `/users`: a parser for the OData subset directory objects support (eq, ne, ge,
// le, in, not, and, or, startsWith, endsWith, any) and an evaluator over user properties. It
// enforces Graph's split between default and advanced queries: `ne`, `not` and `endsWith` need
// `ConsistencyLevel: eventual` plus `$count=true`, as on real Graph (graph-contract §5.2).
import { badRequest, unknownProperty, unsupportedQuery } from "./errors.js";
import { propSpec } from "./user-schema.js";

type Literal = string | boolean | null;
type CmpOp = "eq" | "ne" | "ge" | "le";

export type FilterNode =
  | { kind: "cmp"; op: CmpOp; prop: string; value: Literal }
  | { kind: "in"; prop: string; values: Literal[] }
  | { kind: "fn"; fn: "startswith" | "endswith"; prop: string; value: string }
  | { kind: "any"; prop: string; test: { op: CmpOp | "startswith" | "endswith"; value: Literal } }
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; inner: FilterNode };

type Token =
  | { t: "id"; v: string }
  | { t: "str"; v: string }
  | { t: "num"; v: string }
  | { t: "punct"; v: "(" | ")" | "," | ":" };

function invalid(detail: string): never {
  throw badRequest(`Invalid filter clause: ${detail}`, "BadRequest");
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) invalid("unterminated string literal.");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ t: "str", v: value });
    } else if (c === "(" || c === ")" || c === "," || c === ":") {
      tokens.push({ t: "punct", v: c });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?[0-9][0-9.]*/.exec(text.slice(i));
      if (!m) invalid(`unexpected '${c}'.`);
      tokens.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$/.]*/.exec(text.slice(i))!;
      tokens.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else {
      invalid(`unexpected '${c}'.`);
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    if (this.tokens.length === 0) invalid("the expression is empty.");
    const node = this.or();
    if (this.i < this.tokens.length) invalid(`unexpected '${this.tokens[this.i]!.v}'.`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const token = this.tokens[this.i++];
    if (!token) invalid("the expression ends too early.");
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.t === "id" && token.v.toLowerCase() === word) {
      this.i++;
      return true;
    }
    return false;
  }

  private punct(p: string): void {
    const token = this.next();
    if (token.t !== "punct" || token.v !== p) invalid(`expected '${p}' but found '${token.v}'.`);
  }

  private or(): FilterNode {
    let left = this.and();
    while (this.keyword("or")) left = { kind: "or", left, right: this.and() };
    return left;
  }

  private and(): FilterNode {
    let left = this.unary();
    while (this.keyword("and")) left = { kind: "and", left, right: this.unary() };
    return left;
  }

  private unary(): FilterNode {
    if (this.keyword("not")) return { kind: "not", inner: this.unary() };
    return this.primary();
  }

  private primary(): FilterNode {
    const token = this.next();
    if (token.t === "punct" && token.v === "(") {
      const inner = this.or();
      this.punct(")");
      return inner;
    }
    if (token.t !== "id") invalid(`unexpected '${token.v}'.`);
    const lower = token.v.toLowerCase();
    if ((lower === "startswith" || lower === "endswith") && this.peek()?.v === "(") {
      this.punct("(");
      const prop = this.identifier();
      this.punct(",");
      const value = this.literal();
      this.punct(")");
      if (typeof value !== "string") invalid(`${lower} needs a string literal.`);
      return { kind: "fn", fn: lower, prop, value };
    }
    if (token.v.includes("/")) return this.lambda(token.v);
    const prop = token.v;
    const op = this.next();
    const opName = op.t === "id" ? op.v.toLowerCase() : "";
    if (opName === "in") {
      this.punct("(");
      const values: Literal[] = [this.literal()];
      while (this.peek()?.v === ",") {
        this.i++;
        values.push(this.literal());
      }
      this.punct(")");
      return { kind: "in", prop, values };
    }
    if (opName === "eq" || opName === "ne" || opName === "ge" || opName === "le") {
      return { kind: "cmp", op: opName, prop, value: this.literal() };
    }
    if (opName === "gt" || opName === "lt") {
      throw unsupportedQuery(
        `Filter operator '${opName === "gt" ? "GreaterThan" : "LessThan"}' is not supported.`,
      );
    }
    invalid(`expected an operator after '${prop}' but found '${op.v}'.`);
  }

  /** `otherMails/any(x: x eq 'a')` or `otherMails/any(x: startswith(x, 'a'))`. */
  private lambda(path: string): FilterNode {
    const [prop, fn, ...rest] = path.split("/");
    if (rest.length > 0 || fn?.toLowerCase() !== "any") invalid(`unsupported path '${path}'.`);
    this.punct("(");
    const variable = this.identifier();
    this.punct(":");
    let test: Extract<FilterNode, { kind: "any" }>["test"];
    const head = this.identifier();
    const lower = head.toLowerCase();
    if (lower === "startswith" || lower === "endswith") {
      this.punct("(");
      if (this.identifier() !== variable) invalid(`expected the lambda variable '${variable}'.`);
      this.punct(",");
      test = { op: lower, value: this.literal() };
      this.punct(")");
    } else {
      if (head !== variable) invalid(`expected the lambda variable '${variable}'.`);
      const op = this.identifier().toLowerCase();
      if (op !== "eq" && op !== "ne" && op !== "ge" && op !== "le")
        invalid(`unsupported lambda operator '${op}'.`);
      test = { op, value: this.literal() };
    }
    this.punct(")");
    return { kind: "any", prop: prop ?? "", test };
  }

  private identifier(): string {
    const token = this.next();
    if (token.t !== "id") invalid(`expected a name but found '${token.v}'.`);
    return token.v;
  }

  private literal(): Literal {
    const token = this.next();
    if (token.t === "str") return token.v;
    if (token.t === "id") {
      const lower = token.v.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
      if (lower === "null") return null;
    }
    if (token.t === "num") return token.v;
    invalid(`expected a literal but found '${token.v}'.`);
  }
}

export interface FilterContext {
  /** `ConsistencyLevel: eventual` and `$count=true` were both sent. */
  advanced: boolean;
}

/** Parses and checks a `$filter` expression against the user catalog and Graph's query rules. */
export function parseFilter(text: string, context: FilterContext): FilterNode {
  const node = new Parser(tokenize(text)).parse();
  check(node, context);
  return node;
}

function unsupportedProperty(prop: string): never {
  throw unsupportedQuery(
    `Unsupported or invalid query filter clause specified for property '${prop}' of resource 'User'.`,
  );
}

function checkProperty(prop: string, value: Literal, op: string): void {
  const spec = propSpec(prop);
  if (!spec) throw unknownProperty(prop);
  if (!spec.filter) unsupportedProperty(prop);
  if (spec.type === "stringArray" || spec.type === "extAttrs" || spec.type === "orgData")
    unsupportedProperty(prop);
  if (value === null) return;
  const expected = spec.type === "boolean" ? "Edm.Boolean" : "Edm.String";
  const actual = typeof value === "boolean" ? "Edm.Boolean" : "Edm.String";
  if (expected !== actual) {
    const kinds: Record<string, string> = {
      eq: "Equal",
      ne: "NotEqual",
      ge: "GreaterThanOrEqual",
      le: "LessThanOrEqual",
    };
    throw badRequest(
      `A binary operator with incompatible types was detected. Found operand types '${expected}' and '${actual}' for operator kind '${kinds[op] ?? op}'.`,
      "BadRequest",
    );
  }
}

/**
 * Graph refuses more than 15 clauses joined by `or`, and an `in` of more than 15 values, outside
 * advanced queries: "Too many child clauses specified in search filter expression containing 'OR'
 * operators: 16. Max allowed: 15." (github.com/microsoftgraph/microsoft-graph-docs/issues/21098;
 * the `in` limit documented by github.com/microsoftgraph/microsoft-graph-docs/pull/22097).
 */
const MAX_OR_CLAUSES = 15;

function tooManyClauses(count: number): never {
  throw unsupportedQuery(
    `Too many child clauses specified in search filter expression containing 'OR' operators: ${count}. Max allowed: ${MAX_OR_CLAUSES}.`,
  );
}

/** The operands of a chain of `or`s (`a or b or c`: three), nested chains being their own. */
function orOperands(node: FilterNode): FilterNode[] {
  return node.kind === "or" ? [...orOperands(node.left), ...orOperands(node.right)] : [node];
}

function check(node: FilterNode, context: FilterContext): void {
  switch (node.kind) {
    case "and":
      check(node.left, context);
      check(node.right, context);
      return;
    case "or": {
      const operands = orOperands(node);
      if (!context.advanced && operands.length > MAX_OR_CLAUSES) tooManyClauses(operands.length);
      for (const operand of operands) check(operand, context);
      return;
    }
    case "not":
      if (!context.advanced) throw unsupportedQuery("Filter operator 'Not' is not supported.");
      check(node.inner, context);
      return;
    case "cmp":
      if (node.op === "ne" && !context.advanced)
        throw unsupportedQuery("Filter operator 'NotEqualsMatch' is not supported.");
      checkProperty(node.prop, node.value, node.op);
      return;
    case "in":
      if (!context.advanced && node.values.length > MAX_OR_CLAUSES) tooManyClauses(node.values.length);
      for (const value of node.values) checkProperty(node.prop, value, "eq");
      return;
    case "fn": {
      const spec = propSpec(node.prop);
      if (!spec) throw unknownProperty(node.prop);
      if (node.fn === "endswith") {
        if (!context.advanced) throw unsupportedQuery("Unsupported Query.");
        if (!spec.filter?.endsWith) unsupportedProperty(node.prop);
      } else if (!spec.filter?.startsWith) {
        unsupportedProperty(node.prop);
      }
      return;
    }
    case "any": {
      const spec = propSpec(node.prop);
      if (!spec) throw unknownProperty(node.prop);
      if (!spec.filter?.any) unsupportedProperty(node.prop);
      if (node.test.op === "ne" && !context.advanced)
        throw unsupportedQuery("Filter operator 'NotEqualsMatch' is not supported.");
      if (node.test.op === "endswith" && !context.advanced) throw unsupportedQuery("Unsupported Query.");
      if (typeof node.test.value !== "string") unsupportedProperty(node.prop);
      return;
    }
  }
}

/** Directory string comparisons are case-insensitive. */
function norm(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

function compare(actual: unknown, op: CmpOp | "startswith" | "endswith", expected: Literal): boolean {
  const a = actual === undefined ? null : norm(actual);
  const e = norm(expected);
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    case "ge":
      return a !== null && e !== null && String(a) >= String(e);
    case "le":
      return a !== null && e !== null && String(a) <= String(e);
    case "startswith":
      return typeof a === "string" && typeof e === "string" && a.startsWith(e);
    case "endswith":
      return typeof a === "string" && typeof e === "string" && a.endsWith(e);
  }
}

export function matches(node: FilterNode, props: Record<string, unknown>): boolean {
  switch (node.kind) {
    case "and":
      return matches(node.left, props) && matches(node.right, props);
    case "or":
      return matches(node.left, props) || matches(node.right, props);
    case "not":
      return !matches(node.inner, props);
    case "cmp":
      return compare(props[node.prop], node.op, node.value);
    case "in":
      return node.values.some((v) => compare(props[node.prop], "eq", v));
    case "fn":
      return compare(props[node.prop], node.fn, node.value);
    case "any": {
      const values = props[node.prop];
      return Array.isArray(values) && values.some((v) => compare(v, node.test.op, node.test.value));
    }
  }
}

/**
 * Keys an index can answer without a scan: `id`/`userPrincipalName` equality or `in`, alone or
 * OR-ed together, or AND-ed with anything. Undefined means "a scan is needed".
 */
export function indexKeys(
  node: FilterNode,
): { prop: "id" | "userPrincipalName"; value: string }[] | undefined {
  switch (node.kind) {
    case "cmp":
      if (
        node.op === "eq" &&
        (node.prop === "id" || node.prop === "userPrincipalName") &&
        typeof node.value === "string"
      ) {
        return [{ prop: node.prop, value: node.value }];
      }
      return undefined;
    case "in":
      if (
        (node.prop === "id" || node.prop === "userPrincipalName") &&
        node.values.every((v) => typeof v === "string")
      ) {
        const prop = node.prop;
        return node.values.map((value) => ({ prop, value: value as string }));
      }
      return undefined;
    case "or": {
      const left = indexKeys(node.left);
      const right = left && indexKeys(node.right);
      return left && right ? [...left, ...right] : undefined;
    }
    case "and":
      return indexKeys(node.left) ?? indexKeys(node.right);
    default:
      return undefined;
  }
}
