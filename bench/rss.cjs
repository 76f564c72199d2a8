// Preloaded into the roster process the benchmark runs (`node --require bench/rss.cjs`): writes the
// process's peak resident set size, in KB, to the file named by ROSTER_BENCH_RSS when it exits.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.ROSTER_BENCH_RSS;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
