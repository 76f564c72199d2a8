import { defineConfig } from "vitest/config";

// `npm run test:package`: the end-to-end test of the npm tarball (slow, installs from the registry).
export default defineConfig({
  test: {
    include: ["test/**/*.e2e.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
