/**
 * Is this body the kind of file we asked for? Upstreams (BLS especially) answer blocked or moved
 * downloads with a 200 and an HTML page; catching that here keeps it out of the cache and out of the
 * readers, with a message that shows what actually arrived.
 */

export type ExpectedContent = 'zip' | 'xlsx' | 'tsv' | 'csv' | 'json';

/** How many leading bytes the checks look at. */
export const HEAD_BYTES = 1024;

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]); // "PK\x03\x04": xlsx is a zip too

/** What is wrong with the first bytes of a body expected to be `expect`; undefined when they look right. */
export function contentProblem(head: Buffer, expect: ExpectedContent): string | undefined {
  if (head.length === 0) return 'the body is empty';
  if (expect === 'zip' || expect === 'xlsx') {
    return head.subarray(0, 4).equals(ZIP_MAGIC)
      ? undefined
      : 'it does not start with the zip signature PK\\x03\\x04';
  }
  const text = head
    .toString('latin1')
    .replace(/^\xEF\xBB\xBF/, '') // UTF-8 BOM read as latin1
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<!doctype') || text.startsWith('<html')) return 'it is an HTML page';
  if (head.subarray(0, HEAD_BYTES).includes(0)) return 'it contains NUL bytes (binary, not text)';
  return undefined;
}

/** The first ~80 characters, printable ASCII only, for an error message. */
export function preview(head: Buffer, max = 80): string {
  const text = head
    .subarray(0, max * 2)
    .toString('latin1')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '.')
    .trim();
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
