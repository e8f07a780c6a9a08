/**
 * The O*NET text files the snapshot uses: their names inside the release archive, the columns read
 * from each (matched by header name: releases add and drop columns) and a zod schema per row.
 * Every row schema takes the row as `{ field: text }` with our field names and gives typed values.
 */
import { z } from 'zod';
import { ONET_CODE_PATTERN } from './onetTypes.js';

const code = z.string().regex(ONET_CODE_PATTERN, 'an O*NET-SOC code NN-NNNN.NN');
const text = z.string().trim().min(1, 'non-empty text');
/** "04,06" → ["04", "06"], one frozen array per distinct text (there are a handful). */
const SOURCE_LISTS = new Map<string, readonly string[]>();
function sourceList(s: string): string[] {
  let list = SOURCE_LISTS.get(s);
  if (!list) {
    list = Object.freeze(s.split(',').map((x) => x.trim()));
    SOURCE_LISTS.set(s, list);
  }
  return list as string[];
}
const yesNo = z.enum(['Y', 'N'], 'Y or N').transform((v) => v === 'Y');
const positiveInt = (what: string) =>
  z
    .string()
    .regex(/^\d+$/, what)
    .transform(Number)
    .refine((n) => n >= 1, what);
const zone = z
  .string()
  .regex(/^[1-5]$/, 'a job zone 1–5')
  .transform(Number);
/** O*NET writes "n/a" for an absent value. */
const naOr = <T extends z.ZodType<unknown, string>>(inner: T) =>
  z.union([z.literal('n/a').transform(() => null), inner]);

export const OCCUPATION_ROW = z.object({ code, title: text, description: text });
export const ALTERNATE_TITLE_ROW = z.object({
  code,
  title: text,
  shortTitle: naOr(text),
  sources: z
    .string()
    .regex(/^\d{2}(,\s*\d{2})*$/, 'source codes like "04,06"')
    .transform(sourceList),
});
export const REPORTED_TITLE_ROW = z.object({ code, title: text, shownInMyNextMove: yesNo });
export const TECHNOLOGY_SKILL_ROW = z.object({
  code,
  example: text,
  commodityCode: z.string().regex(/^\d{8}$/, 'an 8-digit UNSPSC commodity code'),
  commodityTitle: text,
  hot: yesNo,
  /** Absent in releases before "In Demand" was published: null. */
  inDemand: yesNo.optional().transform((v) => v ?? null),
});
export const TASK_ROW = z.object({
  code,
  id: z.string().regex(/^\d+$/, 'a numeric task id'),
  statement: text,
  type: z.union([z.enum(['Core', 'Supplemental']), z.enum(['n/a', '']).transform(() => null)]),
});
export const JOB_ZONE_ROW = z.object({ code, jobZone: zone });
export const JOB_ZONE_REFERENCE_ROW = z.object({
  zone,
  name: text,
  experience: text,
  education: text,
  training: text,
  examples: text,
  svpRange: text,
});
export const RELATED_ROW = z.object({
  code,
  relatedCode: code,
  tier: text,
  index: positiveInt('a positive integer index'),
});

export interface OnetFileSpec {
  /** Entry name inside the archive's folder (`db_29_2_text/Occupation Data.txt`). */
  file: string;
  /** Our field → the header name in the file. */
  columns: Record<string, string>;
  /** Fields that may be absent from the header (older releases). */
  optional?: readonly string[];
  /** Fields with few distinct values (codes, categories): stored once per distinct value. */
  interned?: readonly string[];
  row: z.ZodType<unknown, Record<string, string>>;
}

export const ONET_FILES = {
  occupations: {
    file: 'Occupation Data.txt',
    columns: { code: 'O*NET-SOC Code', title: 'Title', description: 'Description' },
    row: OCCUPATION_ROW,
  },
  alternateTitles: {
    file: 'Alternate Titles.txt',
    columns: {
      code: 'O*NET-SOC Code',
      title: 'Alternate Title',
      shortTitle: 'Short Title',
      sources: 'Source(s)',
    },
    interned: ['code', 'shortTitle', 'sources'],
    row: ALTERNATE_TITLE_ROW,
  },
  reportedTitles: {
    file: 'Sample of Reported Titles.txt',
    columns: {
      code: 'O*NET-SOC Code',
      title: 'Reported Job Title',
      shownInMyNextMove: 'Shown in My Next Move',
    },
    interned: ['code'],
    row: REPORTED_TITLE_ROW,
  },
  technologySkills: {
    file: 'Technology Skills.txt',
    columns: {
      code: 'O*NET-SOC Code',
      example: 'Example',
      commodityCode: 'Commodity Code',
      commodityTitle: 'Commodity Title',
      hot: 'Hot Technology',
      inDemand: 'In Demand',
    },
    optional: ['inDemand'],
    interned: ['code', 'commodityCode', 'commodityTitle'],
    row: TECHNOLOGY_SKILL_ROW,
  },
  tasks: {
    file: 'Task Statements.txt',
    columns: { code: 'O*NET-SOC Code', id: 'Task ID', statement: 'Task', type: 'Task Type' },
    interned: ['code'],
    row: TASK_ROW,
  },
  jobZones: {
    file: 'Job Zones.txt',
    columns: { code: 'O*NET-SOC Code', jobZone: 'Job Zone' },
    row: JOB_ZONE_ROW,
  },
  jobZoneReference: {
    file: 'Job Zone Reference.txt',
    columns: {
      zone: 'Job Zone',
      name: 'Name',
      experience: 'Experience',
      education: 'Education',
      training: 'Job Training',
      examples: 'Examples',
      svpRange: 'SVP Range',
    },
    row: JOB_ZONE_REFERENCE_ROW,
  },
  related: {
    file: 'Related Occupations.txt',
    columns: {
      code: 'O*NET-SOC Code',
      relatedCode: 'Related O*NET-SOC Code',
      tier: 'Relatedness Tier',
      index: 'Index',
    },
    interned: ['code', 'relatedCode', 'tier'],
    row: RELATED_ROW,
  },
} as const satisfies Record<string, OnetFileSpec>;

export type OnetFileKey = keyof typeof ONET_FILES;
export type OnetRow<K extends OnetFileKey> = z.output<(typeof ONET_FILES)[K]['row']>;

export const README_FILE = 'Read Me.txt';

/** Every entry the reader needs, in the order it reports them missing. */
export const NEEDED_ONET_FILES: readonly string[] = [
  ...Object.values(ONET_FILES).map((s) => s.file),
  README_FILE,
];
