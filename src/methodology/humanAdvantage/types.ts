/**
 * The shape of a human-advantage (EPOCH) rule (docs/epoch-rule.md): career category mapping, defaults per
 * category, job-zone adjustment, title keyword rows and clamping, as data validated here — so the
 * engine that applies it never changes when a new rule version is added.
 */
import { z } from 'zod';

export const EPOCH_DIMENSIONS = ['empathy', 'presence', 'opinion', 'creativity', 'hope'] as const;
export const EpochDimension = z.enum(EPOCH_DIMENSIONS);
export type EpochDimension = z.infer<typeof EpochDimension>;

const OnetCode = z.string().regex(/^\d{2}-\d{4}\.\d{2}$/, 'expected an O*NET-SOC code NN-NNNN.NN');
const MajorGroup = z.string().regex(/^\d{2}$/, 'expected a two-digit SOC major group');
const MinorGroup = z.string().regex(/^\d{2}-\d$/, 'expected a SOC minor group NN-N');
const Category = z.string().regex(/^[a-z]+(-[a-z]+)*$/, 'expected a kebab-case category name');
const Rating = z.number().int();

export const EpochRuleDefinitionSchema = z
  .strictObject({
    /** "epoch-rule-1": what a record's `humanAdvantage.rule.version` names. */
    version: z.string().regex(/^epoch-rule-\d+$/, 'expected a version such as "epoch-rule-1"'),
    title: z.string().min(1),
    /** Where the rule comes from (attribution). */
    origin: z.string().min(1),
    ratingScale: z.strictObject({ min: z.number().int(), max: z.number().int() }),
    /** Order of the five numbers in `defaults` rows (the reference table's E P O C H). */
    dimensionOrder: z.array(EpochDimension).length(5),
    category: z.strictObject({
      /** Step 1: exact O*NET-SOC codes placed in a category regardless of their group. */
      overrides: z.array(z.strictObject({ onetCode: OnetCode, category: Category })),
      /** Step 2: a major group whose codes are redistributed by table, else go to `fallback`. */
      redistributions: z.array(
        z.strictObject({
          majorGroup: MajorGroup,
          fallback: Category,
          table: z.record(Category, z.array(OnetCode).min(1)),
        }),
      ),
      /** Step 3: a major group split by minor group, else `fallback`. */
      minorGroupSplits: z.array(
        z.strictObject({
          majorGroup: MajorGroup,
          byMinorGroup: z.record(MinorGroup, Category),
          fallback: Category,
        }),
      ),
      /** Step 4: the remaining major groups. A code in none of them has no category. */
      byMajorGroup: z.record(MajorGroup, Category),
    }),
    /** The defaults key used for a code with no category. */
    noCategory: z.string().min(1),
    /** Ratings per category, in `dimensionOrder`; must cover every category named above and `noCategory`. */
    defaults: z.record(z.string(), z.array(Rating).length(5)),
    jobZone: z.strictObject({
      /** O*NET job zones run 1–5. */
      min: z.number().int(),
      max: z.number().int(),
      /** adjustment = floor((zone − pivot) × factor) */
      pivot: z.number(),
      factor: z.number(),
      dimensions: z.array(EpochDimension).min(1),
    }),
    /** Applied in order on the lower-cased title; a row applies when any keyword is a substring. */
    keywordRows: z
      .array(
        z.strictObject({
          keywords: z.array(z.string().min(1)).min(1),
          /** Dimension → change, e.g. `{ empathy: 1, hope: 1 }`. */
          changes: z.record(z.string(), z.number().int()),
        }),
      )
      .min(1),
    /** Each change (job zone, each keyword change) is clamped to the rating scale at once. */
    clamp: z.literal('after-each-change'),
    /**
     * How a SOC without a `.00` code that has data is rated (the reference leaves it to us). Pinned
     * as literals naming what subject.ts implements; each rating records which way it was rated
     * (`rule.basis`). A rule that needs another way adds a value here and its implementation there.
     */
    socWithoutBaseCode: z.strictObject({
      category: z.literal('from-soc'),
      jobZone: z.literal('median-of-children-half-up'),
      title: z.literal('soc-title'),
    }),
  })
  .superRefine((def, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const { min, max } = def.ratingScale;
    if (!(min < max)) issue(['ratingScale'], `min ${min} must be below max ${max}`);
    if (new Set(def.dimensionOrder).size !== 5) {
      issue(['dimensionOrder'], `must name each of ${EPOCH_DIMENSIONS.join(', ')} once`);
    }

    // Every category the mapping can produce needs defaults.
    const named = new Map<string, string>();
    const name = (category: string, where: string) => {
      if (!named.has(category)) named.set(category, where);
    };
    def.category.overrides.forEach((o, i) => {
      name(o.category, `category.overrides.${i}`);
    });
    const seenCodes = new Map<string, string>();
    def.category.redistributions.forEach((r, i) => {
      name(r.fallback, `category.redistributions.${i}.fallback`);
      for (const [category, codes] of Object.entries(r.table)) {
        name(category, `category.redistributions.${i}.table.${category}`);
        for (const code of codes) {
          if (!code.startsWith(`${r.majorGroup}-`)) {
            issue(
              ['category', 'redistributions', i, 'table', category],
              `${code} is not in major group ${r.majorGroup}`,
            );
          }
          const before = seenCodes.get(code);
          if (before) {
            issue(
              ['category', 'redistributions', i, 'table', category],
              `${code} is also listed under ${before}`,
            );
          }
          seenCodes.set(code, category);
        }
      }
    });
    def.category.minorGroupSplits.forEach((s, i) => {
      name(s.fallback, `category.minorGroupSplits.${i}.fallback`);
      for (const [minor, category] of Object.entries(s.byMinorGroup)) {
        name(category, `category.minorGroupSplits.${i}.byMinorGroup.${minor}`);
        if (!minor.startsWith(`${s.majorGroup}-`)) {
          issue(
            ['category', 'minorGroupSplits', i, 'byMinorGroup', minor],
            `not in major group ${s.majorGroup}`,
          );
        }
      }
    });
    for (const [major, category] of Object.entries(def.category.byMajorGroup)) {
      name(category, `category.byMajorGroup.${major}`);
    }
    const stepGroups = [
      ...def.category.redistributions.map((r) => r.majorGroup),
      ...def.category.minorGroupSplits.map((s) => s.majorGroup),
      ...Object.keys(def.category.byMajorGroup),
    ];
    for (const g of new Set(stepGroups)) {
      if (stepGroups.filter((x) => x === g).length > 1) {
        issue(['category'], `major group ${g} is mapped by more than one step; only the first would apply`);
      }
    }
    for (const [category, where] of named) {
      if (!def.defaults[category]) issue(['defaults'], `category "${category}" (${where}) has no defaults`);
    }
    if (!def.defaults[def.noCategory])
      issue(['defaults'], `"${def.noCategory}" (noCategory) has no defaults`);
    for (const [category, row] of Object.entries(def.defaults)) {
      if (category !== def.noCategory && !named.has(category)) {
        issue(['defaults', category], 'no mapping step produces this category');
      }
      row.forEach((r, j) => {
        if (r < min || r > max) {
          issue(['defaults', category, j], `${def.dimensionOrder[j]} ${r} is outside ${min}–${max}`);
        }
      });
    }

    const jz = def.jobZone;
    if (!(jz.min <= jz.pivot && jz.pivot <= jz.max))
      issue(['jobZone', 'pivot'], `outside ${jz.min}–${jz.max}`);

    def.keywordRows.forEach((row, i) => {
      const changes = Object.entries(row.changes);
      if (changes.length === 0) issue(['keywordRows', i, 'changes'], 'a keyword row must change something');
      for (const [dimension, by] of changes) {
        if (!(EPOCH_DIMENSIONS as readonly string[]).includes(dimension)) {
          issue(
            ['keywordRows', i, 'changes', dimension],
            `"${dimension}" is not a dimension (${EPOCH_DIMENSIONS.join(', ')})`,
          );
        }
        if (by === 0) issue(['keywordRows', i, 'changes', dimension], 'a change of 0 changes nothing');
      }
      row.keywords.forEach((k, j) => {
        if (k !== k.toLowerCase()) {
          issue(
            ['keywordRows', i, 'keywords', j],
            `"${k}" is matched against the lower-cased title: write it lower-case`,
          );
        }
      });
    });
  });

export type EpochRuleDefinition = z.infer<typeof EpochRuleDefinitionSchema>;
