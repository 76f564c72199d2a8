// The benchmark's emulator, in a process of its own so that the tenant's CPU time (rendering pages,
// re-encoding photos) is not counted as roster's. Started by bench/run.ts with IPC: it loads the
// state file named in argv, reports { origin, caPem } and runs until it is told to stop.
import { startEmulator } from "@roster/graph-emulator";

const [statePath, latency] = process.argv.slice(2);
if (!statePath || !process.send) throw new Error("usage: forked with IPC, argv: STATE_FILE LATENCY_MS");
const emulator = await startEmulator({ statePath, latencyMs: Number(latency ?? 0) });
process.send({ origin: emulator.origin, caPem: emulator.caPem });
process.on("message", async (message) => {
  if (message === "stop") {
    await emulator.close();
    process.exit(0);
  }
});
