import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // roster's tests and the emulator package's, in one run (`npm test` builds the package first).
    include: ["test/**/*.test.ts", "packages/graph-emulator/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
