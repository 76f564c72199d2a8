// How roster names a user in a request path: `/users/{id | upn}`, or `/users('$…')` for a UPN that
// begins with `$`, as learn.microsoft.com/graph/api/user-get requires.
import { describe, expect, it } from "vitest";
import { userPath } from "../../src/tenant/read.js";

describe("userPath", () => {
  it("writes an id or an ordinary UPN after a slash, percent-encoded", () => {
    expect(userPath("6e7b768e-07e2-4810-8459-485f84f8f204")).toBe(
      "/users/6e7b768e-07e2-4810-8459-485f84f8f204",
    );
    expect(userPath("AdeleV@contoso.com")).toBe("/users/AdeleV%40contoso.com");
    expect(userPath("o'brien#ext@contoso.com")).toBe("/users/o'brien%23ext%40contoso.com");
  });

  it("writes a UPN beginning with $ in parentheses and quotes, its quotes doubled", () => {
    expect(userPath("$svc@contoso.com")).toBe("/users('$svc%40contoso.com')");
    expect(userPath("$o'brien@contoso.com")).toBe("/users('$o''brien%40contoso.com')");
  });
});
