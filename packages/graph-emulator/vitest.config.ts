import { defineConfig } from "vitest/config";

// Running the package's tests alone (`npm test -w @roster/graph-emulator`); roster's root config
// runs the same files in its one vitest run.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
