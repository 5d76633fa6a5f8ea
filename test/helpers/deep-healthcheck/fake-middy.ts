/**
 * A stand-in for `@middy/core` (ESM-only, which jest's CommonJS runtime cannot load): runs the
 * middlewares' before/after/onError hooks around the handler in middy's order, so the handler
 * module is tested with its real Powertools middlewares. (Same as test/helpers/health-alarm/.)
 *
 * Kept ONLY for test/hardening/properties/deep-healthcheck.test.ts. The unit/integration tests now load
 * the real @middy/core (jest.config.js transforms it); delete this file once those no longer import it.
 */
type Hook = (request: Request) => unknown;
interface Middleware {
  before?: Hook;
  after?: Hook;
  onError?: Hook;
}
interface Request {
  event: unknown;
  context: unknown;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
}

function middy(base?: (event: unknown, context: unknown) => unknown) {
  const middlewares: Middleware[] = [];
  let fn = base;
  const run = async (event: unknown, context: unknown) => {
    const request: Request = { event, context, response: undefined, error: undefined, internal: {} };
    try {
      for (const m of middlewares) await m.before?.(request);
      request.response = await fn!(request.event, request.context);
      for (const m of [...middlewares].reverse()) await m.after?.(request);
      return request.response;
    } catch (error) {
      request.error = error;
      for (const m of [...middlewares].reverse()) await m.onError?.(request);
      throw error;
    }
  };
  const api = Object.assign(run, {
    use(m: Middleware | Middleware[]) {
      middlewares.push(...[m].flat());
      return api;
    },
    handler(h: (event: unknown, context: unknown) => unknown) {
      fn = h;
      return api;
    },
  });
  return api;
}

export {};
module.exports = middy;
module.exports.default = middy;
