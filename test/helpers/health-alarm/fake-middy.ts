/**
 * A stand-in for `@middy/core` (ESM-only, which jest's CommonJS runtime cannot load): runs the
 * middlewares' before/after/onError hooks around the handler in middy's order, so the handler
 * module is tested with its real Powertools middlewares.
 *
 * Kept ONLY for test/hardening/properties/health-alarm.test.ts. The unit/integration tests now load the
 * real @middy/core (jest.config.js transforms it); delete this file once those no longer import it.
 */
type Hook = (request: MiddyRequest) => unknown;
interface Middleware {
  before?: Hook;
  after?: Hook;
  onError?: Hook;
}
interface MiddyRequest {
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
    handler(h: (event: unknown, context: unknown) => unknown) {
      fn = h;
      return api;
    },
  });
  return api;
}

export = Object.assign(middy, { default: middy });
