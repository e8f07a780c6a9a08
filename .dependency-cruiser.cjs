/**
 * Direction of dependencies (`npm run depcheck`, part of `npm test`). Layers, each importing only
 * the ones below it (README "Layout"):
 *   cli, api, jobs, main.ts → pipeline, queue, metrics, offline → sources, gates, store, notify
 *   → readers, model, methodology, validate → http, config, errors, log
 * A source's own queue parts (`src/sources/<source>/queue/`, e.g. CareerOneStop's pacer) belong to
 * the queue layer, not to sources: the rest of the source may not import them.
 * src/ never imports jobs/ (main.ts registers the handlers), and there are no import cycles.
 * The store imports neither gates nor notify: publishing decides, the store stores.
 */
const SOURCE_QUEUE = 'src/sources/[^/]+/queue/';
const LAYERS = [
  ['src/(http|config\\.ts|errors\\.ts|log\\.ts)'],
  ['src/(readers|model|methodology|validate)/'],
  [`src/sources/(?![^/]+/queue/)`, 'src/(gates|store|notify)/'],
  ['src/(pipeline|queue|metrics|offline)/', SOURCE_QUEUE],
  ['src/(cli|api)/', 'jobs/', 'main\\.ts'],
];

const below = (level) => LAYERS.slice(level + 1).flat();

module.exports = {
  forbidden: [
    {
      name: 'src-imports-jobs',
      comment: 'src/ never imports jobs/: the entry point (main.ts) hands the handlers to the worker',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^jobs/' },
    },
    ...LAYERS.slice(0, -1).map((layer, level) => ({
      name: `layer-${level}-imports-upwards`,
      comment: `${layer.join(', ')} may import only the layers below it`,
      severity: 'error',
      from: { path: layer.map((p) => `^${p}`) },
      to: { path: below(level).map((p) => `^${p}`) },
    })),
    {
      name: 'store-only-stores',
      comment:
        'the store writes, reads, verifies, diffs, rolls back, pins, prunes and locks snapshots; whether to publish (gates) and who is told (notify) is the publish stage (src/pipeline/publish/)',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: ['^src/gates/', '^src/notify/'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles',
      severity: 'error',
      from: {},
      // A cycle of type-only imports (erased at build) does not count.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|bench/out)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
