/**
 * Every benchmark figure in one run, as one table (and JSON for tracking): medians with min/max,
 * ratios measured side by side, each line with its target and whether it is met.
 *   npm run bench                 all of P1–P7
 *   npm run bench -- suite P1 P4  some of them
 * BENCH_ROUNDS (default 5) rounds per figure. Not a test: CI does not run it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/harness/paths.js';
import { renderTable, toJson, type Figure } from './lib/table.js';
import { measureEditRebuild } from './p1-edit-rebuild.js';
import { measurePush } from './p2-push.js';
import { measureGoCache } from './p3-go-cache.js';
import { measureStartup } from './p4-startup.js';
import { measurePipeline } from './p5-pipeline.js';
import { measureFaults } from './p6-faults.js';
import { measureAffected } from './p7-affected.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PARTS: Record<string, (rounds: number) => Promise<Figure[]>> = {
  P1: measureEditRebuild,
  P2: measurePush,
  P3: measureGoCache,
  P4: measureStartup,
  P5: measurePipeline,
  P6: measureFaults,
  P7: measureAffected,
};

const asked = process.argv.slice(2).map((a) => a.toUpperCase());
const figures: Figure[] = [];
for (const [id, measure] of Object.entries(PARTS)) {
  if (asked.length && !asked.includes(id)) continue;
  console.error(`${id}…`);
  figures.push(...(await measure(ROUNDS)));
}
console.log(renderTable(figures));
const out = join(REPO_ROOT, 'build', 'bench-results.json');
mkdirSync(join(REPO_ROOT, 'build'), { recursive: true });
writeFileSync(out, JSON.stringify(toJson(figures), null, 2));
console.log(`\n${figures.length} figures, ${ROUNDS} rounds each; JSON: build/bench-results.json`);

// docs/benchmarks.md's table, between its markers: the rows of the parts just measured replaced,
// the others kept (the prose around it says when and how each was measured)
const doc = join(REPO_ROOT, 'docs', 'benchmarks.md');
const [BEGIN, END] = ['<!-- bench:begin — written by `npm run bench` -->', '<!-- bench:end -->'];
const text = readFileSync(doc, 'utf8');
const [start, stop] = [text.indexOf(BEGIN), text.indexOf(END)];
if (start >= 0 && stop > start) {
  const measured = new Set(figures.map((f) => f.id));
  const kept = text
    .slice(start + BEGIN.length, stop)
    .split('\n')
    .filter((l) => /^\| P\d/.test(l) && !measured.has(l.split('|')[1]!.trim()));
  const [head, rule, ...rows] = renderTable(figures).split('\n');
  const order = (l: string) => l.split('|')[1]!.trim();
  const all = [...kept, ...rows].sort((a, b) => order(a).localeCompare(order(b)));
  const table = [head, rule, ...all].join('\n');
  const next = `${text.slice(0, start + BEGIN.length)}\n\n${table}\n\n${text.slice(stop)}`;
  const options = { ...(await prettier.resolveConfig(doc)), filepath: doc };
  writeFileSync(doc, await prettier.format(next, options));
  console.log(`docs/benchmarks.md: the ${[...measured].join(', ')} rows written`);
}
