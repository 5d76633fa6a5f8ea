/**
 * Stand-in for `@middy/core`, which is ESM-only and cannot be loaded by jest's CommonJS runtime.
 * It runs the middlewares' before / after / onError hooks around the handler in middy's order,
 * so handler.ts is tested with its real Powertools middlewares.
 *
 * Kept ONLY for test/hardening/properties/{task-stopped,queue-drift}.test.ts (and
 * test/helpers/hardening/rigs.ts docs). The unit/integration tests now load the real @middy/core
 * (jest.config.js transforms it); delete this file once those no longer import it.
 */
interface MiddyRequest {
  event: unknown;
  context: unknown;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
}
type Hook = (request: MiddyRequest) => unknown;
interface Middleware {
  before?: Hook;
  after?: Hook;
  onError?: Hook;
}
type Fn = (event: unknown, context: unknown) => unknown;

function middy(base?: Fn) {
  const middlewares: Middleware[] = [];
  let fn = base;
  const run = async (event: unknown, context: unknown) => {
    const request: MiddyRequest = { event, context, response: undefined, error: undefined, internal: {} };
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
    handler(h: Fn) {
      fn = h;
      return api;
    },
  });
  return api;
}

module.exports = middy;
module.exports.default = middy;

// A module, not a global script: its names must not clash with other helpers' files.
export {};
