import { planStack, planJsonPieces } from "./src/plan";
import { writeSync, openSync } from "node:fs";
async function main() {
  const t = performance.now();
  const r = await planStack(".bench/tenant-10000", "bench", new Date());
  if (!r.ok) throw new Error("x");
  const fd = openSync("/dev/null", "w");
  for (const p of planJsonPieces(r.plan, new Date())) writeSync(fd, p);
  console.log((performance.now() - t).toFixed(0));
}
main();
