/**
 * exceljs's streaming workbook reader, fed part by part from yauzl instead of its own unzip pass, so
 * that every part is bounded and decoded properly:
 * - each part's inflated size is counted while it inflates and refused past XLSX_MAX_PART_BYTES
 *   (a sheet that inflates to gigabytes fails within seconds, nothing written);
 * - the parts are read in the order exceljs needs (relationships, workbook, shared strings, sheets),
 *   so exceljs never parks a sheet in a temporary file of the system /tmp (it does when a sheet comes
 *   before the shared strings in the zip, as in BLS's files);
 * - bytes are decoded as the UTF-8 the workbook's XML declares, fatally and across chunk boundaries
 *   (exceljs decodes chunk by chunk, which turns a character split between chunks, or any invalid
 *   byte, into U+FFFD without a word). An XML part that is not UTF-8 is not well-formed: the file fails.
 *
 * This drives exceljs 4.x's own part parsers (`_parseRels`, `_parseWorkbook`, `_parseSharedStrings`,
 * `_parseWorksheet`); a release without them fails loudly here, not silently.
 */
import { Transform } from 'node:stream';
import type ExcelJS from 'exceljs';
import type yauzl from 'yauzl';
import { ReadLimitError } from './readLimits.js';
import { openZip, walkAll, ZipFormatError } from './zip.js';

type Sheet = ExcelJS.stream.xlsx.WorksheetReader;
type Event = { eventType: string; value: unknown };

interface ExcelJsInternals {
  _parseRels(entry: NodeJS.ReadableStream): Promise<void>;
  _parseWorkbook(entry: NodeJS.ReadableStream): Promise<void>;
  _parseSharedStrings(entry: NodeJS.ReadableStream): AsyncIterable<Event>;
  _parseWorksheet(iterator: NodeJS.ReadableStream, sheetNo: string): Iterable<Event>;
}

const INTERNALS = ['_parseRels', '_parseWorkbook', '_parseSharedStrings', '_parseWorksheet'] as const;
const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

export interface BoundedWorkbook {
  /** The worksheets in sheet-number order, each streamed as it is iterated. */
  sheets: AsyncIterable<Sheet>;
  close(): void;
}

/**
 * Counts and decodes one part: strings out (exceljs passes strings through), refused past `limit`
 * bytes, or when a run of text between two tags (a cell value) passes `maxText` characters: the XML
 * parser would otherwise build that text in memory whole.
 */
function partDecoder(
  label: { source: string; file: string },
  part: string,
  limit: number,
  maxText: number,
): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let run = 0;
  const checkText = (text: string) => {
    let from = 0;
    for (let lt = text.indexOf('<'); lt !== -1; lt = text.indexOf('<', from)) {
      if (run + lt - from > maxText) break;
      run = 0;
      from = lt + 1;
    }
    run += text.length - from;
    if (run > maxText) {
      throw new ReadLimitError(
        label.source,
        label.file,
        `a cell of ${part} (text between tags longer than ${maxText} characters)`,
        maxText,
        'READ_MAX_CELL_CHARS × 10',
      );
    }
  };
  const decode = (chunk: Buffer | undefined, end: boolean): string => {
    try {
      return end ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new ZipFormatError(
        `${label.file}: ${part} is not valid UTF-8 near byte ${bytes} (an xlsx part must be; the file is damaged or not a workbook)`,
      );
    }
  };
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > limit) {
        cb(
          new ReadLimitError(
            label.source,
            label.file,
            `${part} inflates beyond ${limit} bytes: it`,
            limit,
            'XLSX_MAX_PART_BYTES',
          ),
        );
        return;
      }
      try {
        const text = decode(chunk, false);
        checkText(text);
        cb(null, text === '' ? undefined : text);
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        const text = decode(undefined, true);
        cb(null, text === '' ? undefined : text);
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

export async function openBoundedWorkbook(
  xlsxPath: string,
  label: { source: string; file: string },
  maxPartBytes: number,
  /** Longest cell value in characters (READ_MAX_CELL_CHARS); XML text may be 10 × longer (escapes). */
  maxCellChars: number,
): Promise<BoundedWorkbook> {
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(null as unknown as string, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ExcelJsInternals;
  const missing = INTERNALS.filter((m) => typeof reader[m] !== 'function');
  if (missing.length > 0)
    throw new Error(`exceljs no longer has ${missing.join(', ')}: src/readers/boundedXlsx.ts needs updating`);

  const zip = await openZip(xlsxPath);
  const opened: NodeJS.ReadableStream[] = [];
  const entries = new Map<string, yauzl.Entry>();
  await walkAll(zip, xlsxPath, (e) => void entries.set(e.fileName, e));

  const part = async (name: string): Promise<NodeJS.ReadableStream> => {
    const entry = entries.get(name)!;
    if (entry.uncompressedSize > maxPartBytes) {
      throw new ReadLimitError(
        label.source,
        label.file,
        `${name} declares ${entry.uncompressedSize} bytes inflated, which`,
        maxPartBytes,
        'XLSX_MAX_PART_BYTES',
      );
    }
    const raw = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (err, s) =>
        err || !s ? reject(new ZipFormatError(`${label.file}: ${err?.message ?? name}`)) : resolve(s),
      ),
    );
    const out = raw.pipe(partDecoder(label, name, maxPartBytes, maxCellChars * 10));
    raw.on('error', (err) => out.destroy(err));
    opened.push(raw, out);
    return out;
  };

  const sheetParts = [...entries.keys()]
    .map((name) => ({ name, no: SHEET.exec(name)?.[1] }))
    .filter((s): s is { name: string; no: string } => s.no !== undefined)
    .sort((a, b) => Number(a.no) - Number(b.no));

  async function* sheets(): AsyncGenerator<Sheet> {
    if (entries.has('xl/_rels/workbook.xml.rels'))
      await reader._parseRels(await part('xl/_rels/workbook.xml.rels'));
    if (entries.has('xl/workbook.xml')) await reader._parseWorkbook(await part('xl/workbook.xml'));
    if (entries.has('xl/sharedStrings.xml')) {
      for await (const _ of reader._parseSharedStrings(await part('xl/sharedStrings.xml'))) {
        // 'cache' mode: the strings are kept by the reader, nothing to emit
      }
    }
    for (const s of sheetParts) {
      for (const ev of reader._parseWorksheet(await part(s.name), s.no)) {
        if (ev.eventType === 'worksheet') yield ev.value as Sheet;
      }
    }
  }

  return {
    sheets: { [Symbol.asyncIterator]: () => sheets() },
    close() {
      for (const s of opened) (s as unknown as { destroy(): void }).destroy();
      zip.close();
    },
  };
}
