/** Writing a snapshot directory's files (hashing as they go) and checking them against the manifest. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OccupationRecord } from '../model/occupation.js';
import { sha256 } from './canonical.js';
import { contentSha256, countsOf } from './content.js';
import { SnapshotDiff } from './diff.js';
import { EncodingWriter } from './encodingWriter.js';
import { fsyncDir, writeFileDurable } from './fsAtomic.js';
import { type Manifest, ManifestSchema, SNAPSHOT_FILES } from './manifest.js';
import { filePieces, splitLines } from './ndjson.js';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** Write NDJSON lines in ~1 MB chunks, fsync, and return the digest of the bytes written. */
export function writeLinesDurable(file: string, lines: Iterable<string>): Promise<FileDigest> {
  return writeChunksDurable(file, withNewlines(lines));
}

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) {
    yield line;
    yield '\n';
  }
}

/**
 * Write text produced piece by piece (fsynced), hashing as it goes: a large file is never one
 * string in memory, and pieces are encoded into one reused buffer rather than joined.
 */
export async function writeChunksDurable(
  file: string,
  pieces: Iterable<string> | AsyncIterable<string>,
): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fs.open(file, 'wx');
  try {
    const writer = new EncodingWriter(handle, (b) => {
      hash.update(b);
      bytes += b.length;
    });
    for await (const piece of pieces) {
      const full = writer.write(piece);
      if (full) await full;
    }
    await writer.flush();
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function writeDigested(file: string, data: string): Promise<FileDigest> {
  const buf = Buffer.from(data, 'utf8');
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileDurable(file, buf);
  return { sha256: sha256(buf), bytes: buf.length };
}

/** Make every file read-only (a snapshot is never modified) and flush the directories to disk. */
export async function sealTree(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await sealTree(p);
    else await fs.chmod(p, 0o444);
  }
  await fsyncDir(dir);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out;
}

export interface VerifyResult {
  id: string;
  ok: boolean;
  problems: string[];
  /** Files whose digest was checked. */
  checkedFiles: number;
  occupations: number;
}

/**
 * Check a snapshot directory: the manifest parses and names this id; every listed file exists with
 * its size and sha256, and no other file is there; every record is valid, sorted and unique; the
 * counts and the canonical content hash match.
 */
export async function verifySnapshotDir(dir: string, id: string): Promise<VerifyResult> {
  const problems: string[] = [];
  const result = (checkedFiles: number, occupations: number): VerifyResult => ({
    id,
    ok: problems.length === 0,
    problems,
    checkedFiles,
    occupations,
  });
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(
      JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_FILES.manifest), 'utf8')),
    );
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues
          .slice(0, 20)
          .map((i) => `manifest.json: ${i.path.join('.') || '(root)'}: ${i.message}`),
      );
      return result(0, 0);
    }
    manifest = parsed.data;
  } catch (err) {
    problems.push(`manifest.json: cannot be read as JSON (${(err as Error).message})`);
    return result(0, 0);
  }
  if (manifest.id !== id) problems.push(`manifest.json: id is ${manifest.id}, expected ${id}`);
  if (!id.endsWith(`-${manifest.contentSha256.slice(0, 8)}`)) {
    problems.push(`id ${id} does not end with the content hash prefix ${manifest.contentSha256.slice(0, 8)}`);
  }
  for (const required of Object.values(SNAPSHOT_FILES)) {
    if (required !== SNAPSHOT_FILES.manifest && !manifest.files[required]) {
      problems.push(`manifest.json: files does not list ${required}`);
    }
  }
  const present = new Set(await listFiles(dir));
  for (const name of present) {
    if (name !== SNAPSHOT_FILES.manifest && !manifest.files[name])
      problems.push(`${name}: not listed in the manifest`);
  }
  let checked = 0;
  let occupationsBuf: Buffer | null = null;
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (!present.has(name)) {
      problems.push(`${name}: missing`);
      continue;
    }
    const buf = await fs.readFile(path.join(dir, name));
    checked += 1;
    if (buf.length !== expected.bytes)
      problems.push(`${name}: ${buf.length} bytes, manifest says ${expected.bytes}`);
    const digest = sha256(buf);
    if (digest !== expected.sha256)
      problems.push(`${name}: sha256 ${digest}, manifest says ${expected.sha256}`);
    if (name === SNAPSHOT_FILES.occupations) occupationsBuf = buf;
    if (name === SNAPSHOT_FILES.diff) {
      try {
        const d = SnapshotDiff.safeParse(JSON.parse(buf.toString('utf8')));
        if (!d.success) problems.push(`${name}: does not match the diff schema`);
      } catch {
        problems.push(`${name}: not JSON`);
      }
    }
  }
  if (!occupationsBuf) return result(checked, 0);
  const records: OccupationRecord[] = [];
  let lineNo = 0;
  let previousSoc = '';
  for (const line of splitLines(occupationsBuf)) {
    lineNo += 1;
    let value: unknown;
    try {
      value = JSON.parse(line.toString('utf8'));
    } catch {
      problems.push(`${SNAPSHOT_FILES.occupations} line ${lineNo}: not JSON`);
      continue;
    }
    const parsed = OccupationRecord.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(
        `${SNAPSHOT_FILES.occupations} line ${lineNo}: ${issue?.path.join('.') || '(record)'}: ${issue?.message}`,
      );
      continue;
    }
    if (parsed.data.soc <= previousSoc) {
      problems.push(
        `${SNAPSHOT_FILES.occupations} line ${lineNo}: ${parsed.data.soc} is out of order or repeated`,
      );
    }
    previousSoc = parsed.data.soc;
    records.push(parsed.data);
  }
  const counts = countsOf(records);
  for (const [k, v] of Object.entries(counts)) {
    const stated = manifest.counts[k as keyof typeof counts];
    if (stated !== v) problems.push(`counts.${k}: manifest says ${stated}, records give ${v}`);
  }
  const content = contentSha256(
    { schemaVersion: manifest.schemaVersion, methodology: manifest.methodology, releases: manifest.releases },
    records,
  );
  if (content !== manifest.contentSha256) {
    problems.push(`content sha256 ${content}, manifest says ${manifest.contentSha256}`);
  }
  return result(checked, records.length);
}

/**
 * The quick check a refresh makes of latest before relying on it: the manifest parses and every file
 * it lists has its size and sha256 (streamed, never held). Problems, or an empty list when intact.
 */
export async function fileDigestProblems(dir: string, id: string): Promise<string[]> {
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(
      JSON.parse(await fs.readFile(path.join(dir, SNAPSHOT_FILES.manifest), 'utf8')),
    );
    if (!parsed.success) return [`manifest.json: does not match the manifest schema`];
    manifest = parsed.data;
  } catch (err) {
    return [`manifest.json: cannot be read as JSON (${(err as Error).message.slice(0, 200)})`];
  }
  const problems: string[] = [];
  if (manifest.id !== id) problems.push(`manifest.json: id is ${manifest.id}, expected ${id}`);
  for (const [name, expected] of Object.entries(manifest.files)) {
    let digest: FileDigest;
    try {
      digest = await digestFile(path.join(dir, name));
    } catch (err) {
      problems.push(
        `${name}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable'}`,
      );
      continue;
    }
    if (digest.bytes !== expected.bytes)
      problems.push(`${name}: ${digest.bytes} bytes, manifest says ${expected.bytes}`);
    else if (digest.sha256 !== expected.sha256) problems.push(`${name}: sha256 does not match the manifest`);
  }
  return problems;
}

/**
 * sha256 and size of a file, read through one reused 1 MB buffer (filePieces). With a read stream's
 * fresh buffer per read, checking a 50 MB latest raised a publish's peak RSS by ~30 MB, and every
 * refresh checks latest twice.
 */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  const handle = await fs.open(file, 'r');
  try {
    for await (const piece of filePieces(handle)) {
      hash.update(piece);
      bytes += piece.length;
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}
