import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // roster's tests and the emulator package's, in one run (`npm test` builds the package first).
    include: ["test/**/*.test.ts", "packages/graph-emulator/test/**/*.test.ts"],
    // fast-check from a fixed seed, printed with a failing test (ROSTER_TEST_SEED replays another).
    setupFiles: ["test/helpers/fast-check-seed.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
