/**
 * Layer rules (docs/architecture.md, STYLE.md "The shape of the repo"), checked by
 * `npm run lint:layers` (scripts/check-layers.mjs runs dependency-cruiser with this file).
 *
 * - shared/ is web-standard code both tiers import; edge/ is the Worker. Neither may import core/
 *   nor any Node builtin (`node:fs`, `fs`, …): the Worker and Deno would not load them.
 * - No import cycle between files.
 * - No two folders that depend on each other both ways (a folder-level cycle): when folder A uses
 *   folder B, B must not use A, so each folder can be read, tested and moved on top of the ones
 *   below it.
 *
 * Type-only imports count (tsPreCompilationDeps): a type import is still a dependency of the design.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'edge-shared-not-core',
      severity: 'error',
      comment: 'edge/ and shared/ run in the Worker (and Deno): they must not import the Node service in core/.',
      from: { path: '^(edge|shared)/' },
      to: { path: '^core/' },
    },
    {
      name: 'edge-shared-no-node-builtins',
      severity: 'error',
      comment: 'edge/ and shared/ are web-standard only: no Node builtins (node:* or bare fs, path, crypto…).',
      from: { path: '^(edge|shared)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment: 'No import cycles between files.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Two folders must not depend on each other (directly or round a loop of folders).',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
