// vitest setup file (vitest.config.ts `setupFiles`): every fast-check property runs from one fixed
// seed, so a run is the same on every machine, and a failure names its seed (fast-check's report
// says `seed: N, path: …`; this adds which setting to replay it with). ROSTER_TEST_SEED overrides.
import fc from "fast-check";
import { beforeEach } from "vitest";
import { testSeed } from "./random.js";

const seed = testSeed(17_021_202);
fc.configureGlobal({ seed });

beforeEach(({ onTestFailed }) => {
  onTestFailed(({ task }) => {
    const fromProperty = (task.result?.errors ?? []).some((e) => /Property failed/.test(String(e.message)));
    if (fromProperty) console.error(`fast-check seed ${seed}; replay with ROSTER_TEST_SEED=${seed}`);
  });
});
