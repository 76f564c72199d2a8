import { describe, expect, it } from "vitest";
import { forEachBounded } from "../src/bounded.js";

describe("forEachBounded", () => {
  it("runs every item once with at most `limit` in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachBounded([...Array(20).keys()], 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1 + (item % 4)));
      seen.push(item);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it("accepts an empty list and rejects with a task's failure", async () => {
    await forEachBounded([], 4, async () => {
      throw new Error("never called");
    });
    await expect(
      forEachBounded([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error("bad item 2");
      }),
    ).rejects.toThrow("bad item 2");
  });
});
