// GitHub workflow commands, written out literally as GitHub's runner reads them (actions/toolkit,
// packages/core/src/command.ts): in the message `%`, `\r` and `\n` are escaped as %25, %0D and %0A;
// in a property value also `:` and `,` as %3A and %2C. Anything else would let a file name end the
// property list or a message start a new command.
import { describe, expect, it } from "vitest";
import { type Diagnostic, formatAnnotation, formatAnnotations } from "../src/diagnostics.js";

const at = { file: "profiles/a.yaml", line: 3, col: 7 };
const diagnostic = (severity: Diagnostic["severity"], message: string, file = at.file): Diagnostic => ({
  severity,
  ...at,
  file,
  message,
});

describe("formatAnnotation", () => {
  it("writes an error and a warning as GitHub's ::error and ::warning commands", () => {
    expect(formatAnnotation(diagnostic("error", "unknown key `jobTitel`"))).toBe(
      "::error file=profiles/a.yaml,line=3,col=7::unknown key `jobTitel`",
    );
    expect(formatAnnotation(diagnostic("warning", "manager x has no profile here"))).toBe(
      "::warning file=profiles/a.yaml,line=3,col=7::manager x has no profile here",
    );
  });

  it("escapes %, CR and LF in the message, and leaves : and , there as they are", () => {
    expect(formatAnnotation(diagnostic("error", "100% sure\r\n::stop-commands::x, y: z"))).toBe(
      "::error file=profiles/a.yaml,line=3,col=7::100%25 sure%0D%0A::stop-commands::x, y: z",
    );
  });

  it("escapes %, CR, LF, : and , in the file property, each once", () => {
    expect(formatAnnotation(diagnostic("warning", "m", "profiles/a,line=1:%\r\n.yaml"))).toBe(
      "::warning file=profiles/a%2Cline=1%3A%25%0D%0A.yaml,line=3,col=7::m",
    );
  });
});

describe("formatAnnotations", () => {
  it("annotates warnings as well as errors, at most 10 of each, and says how many more the log holds", () => {
    const errors = Array.from({ length: 2 }, (_, i) => diagnostic("error", `error ${i}`));
    const warnings = Array.from({ length: 13 }, (_, i) => diagnostic("warning", `warning ${i}`));
    const lines = formatAnnotations([...warnings, ...errors]);
    expect(lines).toEqual([
      "::error file=profiles/a.yaml,line=3,col=7::error 0",
      "::error file=profiles/a.yaml,line=3,col=7::error 1",
      ...Array.from({ length: 10 }, (_, i) => `::warning file=profiles/a.yaml,line=3,col=7::warning ${i}`),
      "::notice::3 more warnings are listed in the log only",
    ]);
  });

  it("writes nothing for no diagnostics, and no notice for exactly 10", () => {
    expect(formatAnnotations([])).toEqual([]);
    const ten = Array.from({ length: 10 }, () => diagnostic("warning", "w"));
    expect(formatAnnotations(ten)).toHaveLength(10);
  });
});
