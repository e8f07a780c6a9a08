/**
 * The contract check for CareerOneStop responses. No recorded raw response was available, so these
 * schemas are the hypothesis tested at run time: loose objects (extra fields pass through untouched),
 * strict about every field we use (a renamed or retyped field is an issue naming its path).
 * Parsing also normalises: display numbers → numbers, `""` → null, titles cleaned.
 */
import { z } from 'zod';
import { cleanTitles, lengthText, parseNumberText, splitCategories, textOrNull } from './parse.js';

/** A string field that may be null/blank; blank → null. Missing (undefined) is still an error. */
const text = z
  .string()
  .nullable()
  .transform((v) => textOrNull(v));

/** A number given as a number or display text (`"$1,234"`, `".5"`); `""`/null → null. */
const numberText = z.union([z.number(), z.string(), z.null()]).transform((v, ctx) => {
  const n = parseNumberText(v);
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a number or "" (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return n;
});

const recordCount = numberText.pipe(
  z.number({ error: 'expected RecordCount' }).int('expected an integer RecordCount').min(0),
);

/** A list that .NET services sometimes send as null when empty. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);

const NOT_BRIGHT = new Set(['', 'no', 'n', 'false', 'none', '0']);

// ---------------------------------------------------------------------------------------------
// Occupation details: GET /v1/occupation/{userId}/{onetCode}/{location}?…

export const EducationTrainingSchema = z.looseObject({
  EducationTitle: text,
  ExperienceTitle: text,
  TrainingTitle: text,
  EducationType: list(
    z.looseObject({
      EducationLevel: z.string().min(1, 'expected an education level name'),
      Value: numberText,
    }),
  ),
});

export const OccupationDetailItemSchema = z
  .looseObject({
    OnetCode: z.string().regex(/^\d{2}-\d{4}\.\d{2}$/, 'expected an O*NET-SOC code NN-NNNN.NN'),
    OnetTitle: z.string().min(1, 'expected the occupation title'),
    AlternateTitles: list(z.string().nullable()),
    // An object keyed by O*NET code, not an array.
    RelatedOnetTitles: z
      .record(z.string().regex(/^\d{2}-\d{4}\.\d{2}$/, 'expected O*NET-SOC code keys'), z.string())
      .nullable()
      .transform((v) => v ?? {}),
    BrightOutlook: text,
    BrightOutlookCategory: text.optional(),
    EducationTraining: EducationTrainingSchema.nullable(),
    /** Present when videos were requested; "" or absent when the occupation has none. */
    COSVideoURL: z.string().nullable().optional(),
  })
  .superRefine((d, ctx) => {
    const bright = d.BrightOutlook !== null && !NOT_BRIGHT.has(d.BrightOutlook.toLowerCase());
    if (bright && splitCategories(d.BrightOutlookCategory).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['BrightOutlookCategory'],
        message: `expected the bright-outlook categories when BrightOutlook is "${d.BrightOutlook}"`,
      });
    }
  })
  .transform((d) => {
    const bright = d.BrightOutlook !== null && !NOT_BRIGHT.has(d.BrightOutlook.toLowerCase());
    return {
      onetCode: d.OnetCode,
      title: d.OnetTitle.trim(),
      alternateTitles: cleanTitles(d.AlternateTitles),
      related: Object.entries(d.RelatedOnetTitles)
        .map(([onetCode, title]) => ({ soc: onetCode.slice(0, 7), onetCode, title: title.trim() }))
        .filter((r) => r.title !== ''),
      brightOutlook: bright ? splitCategories(d.BrightOutlookCategory) : [],
      videoUrl: /^https?:\/\//.test(d.COSVideoURL?.trim() ?? '') ? d.COSVideoURL!.trim() : null,
      education:
        d.EducationTraining === null
          ? null
          : {
              typicalEducation: d.EducationTraining.EducationTitle,
              experience: d.EducationTraining.ExperienceTitle,
              training: d.EducationTraining.TrainingTitle,
              attainment: d.EducationTraining.EducationType.map((e) => ({
                level: e.EducationLevel.trim(),
                percent: e.Value,
              })),
            },
    };
  });

export const OccupationResponseSchema = z.looseObject({
  // Empty means "no record" (handled before parsing); otherwise [0] is the occupation asked for.
  OccupationDetail: z.array(OccupationDetailItemSchema).min(1, 'expected at least one OccupationDetail'),
  MetaData: z.unknown().optional(),
});

// ---------------------------------------------------------------------------------------------
// Certification finder: GET /v1/certificationfinder/{userId}/{keyword}/D/0/0/0/0/0/0/0/{start}/{limit}

export const CertificationItemSchema = z
  .looseObject({
    Id: z.union([z.string().min(1), z.number()]).transform((v) => String(v)),
    Name: z.string().min(1, 'expected the certification name'),
    Acronym: text.optional(),
    Organization: text,
    Type: text.optional(),
    Url: text.optional(),
  })
  .transform((c) => ({
    id: c.Id,
    name: c.Name.trim(),
    acronym: c.Acronym ?? null,
    organization: c.Organization,
    type: c.Type ?? null,
    url: c.Url ?? null,
  }));

export const CertificationResponseSchema = z.looseObject({
  CertList: list(CertificationItemSchema),
  RecordCount: recordCount,
});

// ---------------------------------------------------------------------------------------------
// Training finder: GET /v1/training/{userId}/{keyword}/{location}/0/0/0/0/0/0/0/0/{start}/{limit}

export const TrainingProgramItemSchema = z
  .looseObject({
    SchoolName: z.string().min(1, 'expected the school name'),
    ProgramName: z.string().min(1, 'expected the program name'),
    City: text.optional(),
    StateName: text.optional(),
    SchoolUrl: text.optional(),
    ProgramLength: z.unknown().optional(),
  })
  .transform((p) => ({
    school: p.SchoolName.trim(),
    program: p.ProgramName.trim(),
    city: p.City ?? null,
    state: p.StateName ?? null,
    url: p.SchoolUrl ?? null,
    length: lengthText(p.ProgramLength),
  }));

export const TrainingResponseSchema = z.looseObject({
  SchoolPrograms: list(TrainingProgramItemSchema),
  RecordCount: recordCount,
});

/** `OccupationDetail.0.AlternateTitles: expected array, received undefined; …` (at most `max` issues). */
export function describeIssues(error: z.ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((i) => {
    const where = i.path.map(String).join('.') || '(body)';
    return `${where}: ${i.message}`;
  });
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}
