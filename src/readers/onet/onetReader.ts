/**
 * Reads the O*NET text release (`db_29_2_text.zip`) as O*NET serves it: the archive's entries are
 * walked in central-directory order and only the nine the snapshot uses are inflated, each streamed
 * through csv-parse in whole-line batches (tsvRecords.ts: tabs, no quoting, CRLF/LF/CR line ends); entries skipped are never
 * read, so memory does not grow with them. Headers are matched by name; every row passes its zod
 * schema, and a failing row is a reject (file, line, field, expected, got).
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import { ValidationError } from '../../errors.js';
import { type RejectCollector, rejectsFromZod } from '../../validate/rejects.js';
import { requireColumns } from '../exposureCsvReader.js';
import { DEFAULT_READ_LIMITS, ReadLimitError, type ReadLimits } from '../readLimits.js';
import { looksLikeZip, openZip, ZipFormatError } from '../zip.js';
import {
  NEEDED_ONET_FILES,
  ONET_FILES,
  type OnetFileKey,
  type OnetFileSpec,
  type OnetRow,
  README_FILE,
} from './onetFiles.js';
import type { OnetJobZoneReference, OnetOccupation, OnetReadResult } from './onetTypes.js';
import { tsvRecordBatches } from './tsvRecords.js';

const SOURCE = 'onet';
/** `Read Me.txt` is a few hundred bytes; more is not the file we know. */
const MAX_README_BYTES = 64 * 1024;

type Rows = { [K in OnetFileKey]: Array<OnetRow<K>> };

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new ValidationError(`${SOURCE}: ${message}`, SOURCE, details);
}

/** "O*NET 29.2 Database" / "February 2025 Release" → { release, releaseDate }. */
export function parseReadMe(text: string): { release: string; releaseDate: string } {
  const release = /O\*NET\s+(\d+\.\d+)\s+Database/i.exec(text)?.[1];
  const releaseDate = /^\s*([A-Z][a-z]+ \d{4}) Release\s*$/m.exec(text)?.[1];
  if (!release || !releaseDate) {
    fail(
      `${README_FILE} does not name the release: expected lines like "O*NET 29.2 Database" and "February 2025 Release", got ${JSON.stringify(text.slice(0, 80))}`,
      { file: README_FILE },
    );
  }
  return { release, releaseDate };
}

async function readSmallText(stream: Readable, file: string): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_README_BYTES) {
      stream.destroy();
      fail(`${file} is larger than ${MAX_README_BYTES} bytes; expected a short text`, { file });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parse one tab-separated file into validated rows; bad rows become rejects. */
async function readTable<K extends OnetFileKey>(
  stream: Readable,
  key: K,
  rejects: RejectCollector,
  intern: (text: string) => string,
  limits: Pick<ReadLimits, 'maxLineBytes' | 'maxRows'>,
): Promise<Array<OnetRow<K>>> {
  const spec: OnetFileSpec = ONET_FILES[key];
  const file = spec.file;
  const out: Array<OnetRow<K>> = [];
  const interned = new Set<string>(spec.interned ?? []);
  let index: Array<[string, number]> | null = null;
  let width = 0;
  let line = 0;
  try {
    const onTooLong = (): never => {
      throw new ReadLimitError(
        SOURCE,
        file,
        `a line after line ${line} is longer than ${limits.maxLineBytes} bytes: its length`,
        limits.maxLineBytes,
        'READ_MAX_LINE_BYTES',
      );
    };
    for await (const batch of tsvRecordBatches(stream, { maxLineBytes: limits.maxLineBytes, onTooLong }))
      for (const record of batch) {
        line += 1;
        if (line > limits.maxRows + 1) {
          throw new ReadLimitError(
            SOURCE,
            file,
            `more than ${limits.maxRows} rows`,
            limits.maxRows,
            'READ_MAX_ROWS',
          );
        }
        if (record.length === 1 && record[0] === '') continue;
        // csv-parse decodes bytes that are not UTF-8 as U+FFFD; O*NET's files are UTF-8, so such a
        // line is refused rather than published with replacement characters.
        const notUtf8 = record.some((value) => value.includes('\uFFFD'));
        if (!index && notUtf8) {
          fail(`${file}: the header (line ${line}) is not valid UTF-8; expected a UTF-8 text file`, {
            file,
            row: line,
          });
        }
        if (!index) {
          const header = record.map((h) => h.trim());
          const optional = new Set(spec.optional ?? []);
          const required = Object.entries(spec.columns)
            .filter(([field]) => !optional.has(field))
            .map(([, name]) => name);
          requireColumns(header, required, SOURCE, file);
          index = Object.entries(spec.columns)
            .map(([field, name]) => [field, header.indexOf(name)] as [string, number])
            .filter(([, i]) => i >= 0);
          width = header.length;
          continue;
        }
        rejects.read(SOURCE);
        if (notUtf8) {
          rejects.reject({
            source: SOURCE,
            file,
            row: line,
            field: '(row)',
            expected: 'UTF-8 text',
            got: 'bytes that are not valid UTF-8',
            reason: 'invalid encoding',
          });
          continue;
        }
        if (record.length !== width) {
          rejects.reject({
            source: SOURCE,
            file,
            row: line,
            field: '(row)',
            expected: `${width} tab-separated fields`,
            got: `${record.length}`,
            reason: 'wrong number of fields',
          });
          continue;
        }
        const raw: Record<string, string> = {};
        for (const [field, i] of index) {
          const value = record[i] ?? '';
          raw[field] = interned.has(field) ? intern(value) : value;
        }
        const parsed = spec.row.safeParse(raw);
        if (!parsed.success) {
          for (const r of rejectsFromZod(parsed.error, raw, { source: SOURCE, file, row: line }))
            rejects.reject(r);
          continue;
        }
        rejects.kept(SOURCE);
        out.push(parsed.data as OnetRow<K>);
      }
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    fail(
      `${file} is not a readable tab-separated file: ${err instanceof Error ? err.message : String(err)}`,
      {
        file,
      },
    );
  }
  if (!index) fail(`${file} is empty; expected a header row`, { file });
  return out;
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, label: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) reject(new ZipFormatError(`${label}: ${err?.message ?? 'unreadable entry'}`));
      else resolve(stream);
    });
  });
}

const KEY_OF_FILE = new Map<string, OnetFileKey>(
  (Object.entries(ONET_FILES) as Array<[OnetFileKey, OnetFileSpec]>).map(([k, s]) => [s.file, k]),
);

/** Walk the archive once, reading the needed entries (matched by base name, any folder). */
async function readArchive(
  file: string,
  label: string,
  rejects: RejectCollector,
  limits: Pick<ReadLimits, 'maxLineBytes' | 'maxRows' | 'maxZipEntryBytes'>,
): Promise<{ rows: Partial<Rows>; readMe: string | undefined }> {
  const zip = await openZip(file);
  const rows: Partial<Rows> = {};
  let readMe: string | undefined;
  const seen = new Map<string, string>();
  // Codes, categories, tiers … repeat on thousands of rows: one string each instead of one per row.
  const strings = new Map<string, string>();
  const intern = (text: string) => {
    const known = strings.get(text);
    if (known !== undefined) return known;
    strings.set(text, text);
    return text;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (err: Error) => reject(new ZipFormatError(`${label}: ${err.message}`)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const base = path.posix.basename(entry.fileName);
        if (
          entry.fileName.endsWith('/') ||
          entry.fileName.startsWith('__MACOSX/') ||
          !NEEDED_ONET_FILES.includes(base)
        ) {
          zip.readEntry();
          return;
        }
        const handle = async () => {
          if (seen.has(base)) {
            fail(`${label} holds ${base} twice (${seen.get(base)} and ${entry.fileName}); expected one`, {
              file: base,
            });
          }
          seen.set(base, entry.fileName);
          // yauzl also stops an entry that inflates past its declared size.
          if (entry.uncompressedSize > limits.maxZipEntryBytes) {
            throw new ReadLimitError(
              SOURCE,
              base,
              `inflates to ${entry.uncompressedSize} bytes, more than ${limits.maxZipEntryBytes}: its size`,
              limits.maxZipEntryBytes,
              'ZIP_MAX_ENTRY_BYTES',
            );
          }
          const stream = await openEntry(zip, entry, label);
          if (base === README_FILE) readMe = await readSmallText(stream, base);
          else {
            const key = KEY_OF_FILE.get(base)!;
            (rows as Record<string, unknown>)[key] = await readTable(stream, key, rejects, intern, limits);
          }
        };
        handle().then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  const missing = NEEDED_ONET_FILES.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    fail(
      `${label} lacks ${missing.map((m) => `"${m}"`).join(', ')}; expected the O*NET text release with ${NEEDED_ONET_FILES.map((f) => `"${f}"`).join(', ')}`,
      { file: missing[0], missingFiles: missing },
    );
  }
  return { rows, readMe };
}

/** Rows of each file, grouped by O*NET code, in file order. */
function groupByCode<T extends { code: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.code);
    if (list) list.push(r);
    else out.set(r.code, [r]);
  }
  return out;
}

function assemble(
  rows: Rows,
  meta: { release: string; releaseDate: string },
  rejects: RejectCollector,
): OnetReadResult {
  const occupations = new Map<string, OnetOccupation>();
  for (const o of [...rows.occupations].sort((a, b) => a.code.localeCompare(b.code))) {
    if (occupations.has(o.code)) {
      rejects.warn({
        source: SOURCE,
        message: `${ONET_FILES.occupations.file} lists ${o.code} twice; the first is kept`,
      });
      continue;
    }
    occupations.set(o.code, {
      code: o.code,
      title: o.title,
      description: o.description,
      jobZone: null,
      alternateTitles: [],
      reportedTitles: [],
      technologySkills: [],
      tasks: [],
      related: [],
    });
  }
  const unknown: Record<string, Set<string>> = {};
  const attach = <T extends { code: string }>(
    file: string,
    list: T[],
    put: (o: OnetOccupation, items: T[]) => void,
  ) => {
    const groups = groupByCode(list);
    list.length = 0; // the groups hold the rows now
    for (const [code, items] of groups) {
      const occ = occupations.get(code);
      if (occ) put(occ, items);
      else {
        const codes = unknown[file] ?? new Set<string>();
        codes.add(code);
        unknown[file] = codes;
      }
    }
  };
  attach(ONET_FILES.jobZones.file, rows.jobZones, (o, items) => {
    o.jobZone = items[0]!.jobZone;
  });
  // The validated rows themselves become the lists (they keep their interned `code`): no copies.
  attach(ONET_FILES.alternateTitles.file, rows.alternateTitles, (o, items) => {
    o.alternateTitles = items;
  });
  attach(ONET_FILES.reportedTitles.file, rows.reportedTitles, (o, items) => {
    o.reportedTitles = items;
  });
  attach(ONET_FILES.technologySkills.file, rows.technologySkills, (o, items) => {
    o.technologySkills = items;
  });
  attach(ONET_FILES.tasks.file, rows.tasks, (o, items) => {
    o.tasks = items;
  });
  attach(ONET_FILES.related.file, rows.related, (o, items) => {
    o.related = items
      .map(({ relatedCode, tier, index }) => ({ code: relatedCode, tier, index }))
      .sort((a, b) => a.index - b.index);
  });
  for (const [file, codes] of Object.entries(unknown)) {
    rejects.warn({
      source: SOURCE,
      message: `${file}: ${codes.size} O*NET code(s) not in ${ONET_FILES.occupations.file}; their rows are not used`,
      details: { codes: [...codes].sort().slice(0, 50) },
    });
  }
  const jobZones = new Map<number, OnetJobZoneReference>();
  for (const z of rows.jobZoneReference) jobZones.set(z.zone, z);
  return { ...meta, occupations, jobZones };
}

export async function readOnetArchive(
  input: { path: string; name?: string },
  rejects: RejectCollector,
  limits: Pick<ReadLimits, 'maxLineBytes' | 'maxRows' | 'maxZipEntryBytes'> = DEFAULT_READ_LIMITS,
): Promise<OnetReadResult> {
  const label = input.name ?? path.basename(input.path);
  if (!(await looksLikeZip(input.path))) {
    fail(`${label}: expected the O*NET text release as a zip, got other content`, { file: label });
  }
  let read: Awaited<ReturnType<typeof readArchive>>;
  try {
    read = await readArchive(input.path, label, rejects, limits);
  } catch (err) {
    if (err instanceof ZipFormatError) fail(err.message, { file: label });
    throw err;
  }
  const meta = parseReadMe(read.readMe ?? '');
  return assemble(read.rows as Rows, meta, rejects);
}
