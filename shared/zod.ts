/**
 * zod for every schema in the project: `zod/mini` (the functional API) with English messages.
 * Import it as `import * as z from '<path>/shared/zod'`.
 *
 * Why mini rather than zod classic: classic's method-chaining schemas carry every method
 * (`.toJSONSchema()` included), so a bundle that imports classic loads about 100 KB of zod at
 * init whatever it uses; mini keeps only the functions a schema calls (32–41 KB per function).
 * taskStopped, built as serverless.yml builds it: 272 → 214 KB loaded at init, and about 20 ms
 * less CPU for init plus the first event (the commit that introduced this file has the figures).
 * Nothing here may import `zod` (classic) or `@aws-lambda-powertools/parser`, which imports all
 * of classic and every locale (about 460 KB).
 *
 * The messages are classic's: classic installs the English locale when it loads, mini does not,
 * so it is installed here, before any schema parses. `export *` (not `export { z }`) keeps
 * esbuild's tree-shaking: a re-exported namespace object would pull in all of zod and its locales.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
