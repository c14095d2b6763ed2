/*
 * `yarn bench`: runs every bench/suites/*.bench.ts, each measuring Fleetdeck and its peer side by side in one
 * run, and writes bench/RESULTS.md with the machine, the date and each figure beside its peer's.
 * Usage: yarn bench [name-filter]
 */
import { readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, Benchmark } from './types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

function ratio(figure: BenchFigure): string {
  if (figure.peer === 0) return 'n/a';
  return `${(figure.fleetdeck / figure.peer).toFixed(2)}× (${
    figure.better
  } is better)`;
}

async function main() {
  const filter = process.argv[2];
  const files = (await readdir(path.join(here, 'suites')))
    .filter(f => f.endsWith('.bench.ts'))
    .filter(f => !filter || f.includes(filter))
    .sort();

  const cpus = os.cpus();
  const lines = [
    '# Benchmark results',
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(
      os.totalmem() /
      2 ** 30
    ).toFixed(1)} GiB, ${os.platform()} ${os.release()}`,
    `- node: ${process.version}`,
    '',
  ];
  if (files.length === 0) {
    lines.push(
      'No benchmarks yet: add bench/suites/<name>.bench.ts (see bench/types.ts).',
    );
  }
  for (const file of files) {
    const mod = await import(
      pathToFileURL(path.join(here, 'suites', file)).href
    );
    const bench: Benchmark = mod.default;
    console.log(`running ${bench.name} (peer: ${bench.peer})`);
    const figures = await bench.run();
    lines.push(`## ${bench.name}`, '', `Peer: ${bench.peer}`, '');
    lines.push(
      '| metric | Fleetdeck | peer | ratio |',
      '| --- | --- | --- | --- |',
    );
    for (const f of figures) {
      lines.push(
        `| ${f.metric} | ${f.fleetdeck} ${f.unit} | ${f.peer} ${
          f.unit
        } | ${ratio(f)} |`,
      );
      console.log(
        `  ${f.metric}: Fleetdeck ${f.fleetdeck} ${f.unit}, peer ${f.peer} ${
          f.unit
        }, ${ratio(f)}`,
      );
    }
    lines.push('');
  }
  await writeFile(path.join(here, 'RESULTS.md'), `${lines.join('\n')}\n`);
  console.log(`wrote ${path.join('bench', 'RESULTS.md')}`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
