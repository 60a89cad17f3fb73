import path from 'node:path';

/**
 * The team's shared corpus sits beside the checkout (`../shared/corpus`), wherever the checkout is;
 * suites that use it skip when it is absent (a user's clone has none).
 */
export const CORPUS_ROOT = path.resolve(__dirname, '../../../shared/corpus');
