/**
 * Zip a folder of O*NET text files the way O*NET serves its release (`db_29_2_text/` inside
 * `db_29_2_text.zip`, deflated), optionally changing files on the way: used by the tests that read
 * the real 29.2 files in ../shared/data/onet.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Zippable, zipSync } from 'fflate';

export const SHARED_ONET = path.resolve(import.meta.dirname, '../../..', 'shared/data/onet');

export function zipOnetFolder(
  dir: string,
  opts: {
    folder?: string;
    omit?: string[];
    edit?: Record<string, (text: string) => string>;
    extra?: Record<string, string>;
  } = {},
): string {
  const folder = opts.folder ?? 'db_29_2_text';
  const files: Zippable = { [`${folder}/`]: new Uint8Array(0) };
  for (const name of readdirSync(dir).sort()) {
    if (opts.omit?.includes(name)) continue;
    let bytes: Uint8Array = readFileSync(path.join(dir, name));
    const edit = opts.edit?.[name];
    if (edit) bytes = new TextEncoder().encode(edit(Buffer.from(bytes).toString('utf8')));
    files[`${folder}/${name}`] = [bytes, { level: 6, mtime: new Date('2025-02-01T00:00:00Z') }];
  }
  for (const [name, text] of Object.entries(opts.extra ?? {})) {
    files[`${folder}/${name}`] = [new TextEncoder().encode(text), { level: 6 }];
  }
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'onet-')), `${folder}.zip`);
  writeFileSync(out, zipSync(files));
  return out;
}
