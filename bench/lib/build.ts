/**
 * Every benchmarked process runs compiled JavaScript, as production does (`npm run build` → dist/),
 * not through tsx: tsx's loader thread alone adds ~40 MB of RSS and half a second of start-up, which
 * would blur the memory and no-op figures. This transpiles src/, jobs/ and bench/ file by file with
 * TypeScript's `transpileModule` (no type check: that is `npm run typecheck`'s job), with the entry
 * point main.ts, into
 * `bench/out/build/`, mirroring the source tree so relative imports and PACKAGE_ROOT resolve as in
 * dist/. Unchanged files are skipped.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { PACKAGE_ROOT } from '../../src/config.js';

export const BUILD_DIR = path.join(PACKAGE_ROOT, 'bench', 'out', 'build');
const SOURCE_DIRS = ['src', 'jobs', 'bench'];
const SKIP_DIRS = new Set([path.join('bench', 'data'), path.join('bench', 'out'), 'node_modules']);

function tsFiles(rel: string, out: string[] = []): string[] {
  const abs = path.join(PACKAGE_ROOT, rel);
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const child = path.join(rel, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(child)) tsFiles(child, out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(child);
  }
  return out;
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2023,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  sourceMap: false,
};

/** Transpile what changed; returns the number of files written. */
export function buildForBench(): number {
  let written = 0;
  for (const rel of ['main.ts', ...SOURCE_DIRS.flatMap((d) => tsFiles(d))]) {
    const src = path.join(PACKAGE_ROOT, rel);
    const out = path.join(BUILD_DIR, rel.replace(/\.ts$/, '.js'));
    const srcTime = statSync(src).mtimeMs;
    let outTime = -1;
    try {
      outTime = statSync(out).mtimeMs;
    } catch {}
    if (outTime >= srcTime) continue;
    const result = ts.transpileModule(readFileSync(src, 'utf8'), { compilerOptions: OPTIONS, fileName: src });
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, result.outputText);
    written++;
  }
  return written;
}

/** Path of the compiled form of a source file given relative to the package root (`src/cli/main.ts`). */
export function built(rel: string): string {
  return path.join(BUILD_DIR, rel.replace(/\.ts$/, '.js'));
}
