/**
 * Values copied from an input into a report, log, run record, manifest or event are cut to this
 * many characters, with their full length noted: a 50 MB cell must not become a 50 MB manifest.
 */
export const REPORT_VALUE_MAX = 200;

/** A value cut once (e.g. JSON of a long string) is not cut again. */
const ALREADY_CUT = /… \(truncated: \d+ characters in all\)$/;
const NOTE_ROOM = 50;

/** `text` itself when short enough, else its start and how long it was. */
export function truncateForReport(text: string, max = REPORT_VALUE_MAX): string {
  if (text.length <= max || (text.length <= max + NOTE_ROOM && ALREADY_CUT.test(text))) return text;
  return `${text.slice(0, max)}… (truncated: ${text.length} characters in all)`;
}

/** JSON of a value for a report, without first serialising a huge string whole. */
export function reportJson(value: unknown, max = REPORT_VALUE_MAX): string {
  if (typeof value === 'string' && value.length > max)
    return `${JSON.stringify(value.slice(0, max))}… (truncated: ${value.length} characters in all)`;
  return truncateForReport(JSON.stringify(value) ?? String(value), max);
}
