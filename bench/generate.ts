/**
 * `npx tsx bench/generate.ts [--scale 1] [--name full] [--flat-only]`: write one benchmark input set
 * under bench/data/ (git-ignored; never commit it). `npm run bench` calls the same code itself.
 */
import { Command } from 'commander';
import { ensureInputs } from './generate/inputs.js';

const opts = new Command('bench-generate')
  .option('--scale <n>', 'share of upstream size (1 = ≈5.7 M flat-file lines)', '1')
  .option('--name <dir>', 'folder under bench/data/', 'full')
  .option('--flat-only', 'only the OEWS flat files')
  .parse()
  .opts<{ scale: string; name: string; flatOnly?: boolean }>();

const scale = Number(opts.scale);
if (!(scale > 0 && scale <= 1)) {
  console.error(`--scale: expected a number in (0, 1], got "${opts.scale}"`);
  process.exit(2);
}
const { dir, manifest, generated } = await ensureInputs(
  { name: opts.name, scale, parts: opts.flatOnly ? 'flat' : 'all' },
  (line) => console.log(line),
);
console.log(`${generated ? 'wrote' : 'up to date:'} ${dir}`);
console.log(JSON.stringify(manifest.flat));
