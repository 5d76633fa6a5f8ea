/**
 * Every function runs on nodejs24.x, whose runtime no longer supports callback-style handlers
 * (`(event, context, callback)`): each exported handler must be an async function of at most
 * (event, context). https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html
 * Each handler module is loaded with the environment the local stage packages for it (its
 * configuration is validated when the module loads, as in Lambda's init phase).
 */
import path from 'node:path';
import { loadIsolated } from '../helpers/hardening/load';
import { packagedTemplate } from '../helpers/packaged-template';

const template = packagedTemplate('local');
const functions = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
  .map(([id, r]) => ({
    id,
    handler: String(r.Properties!.Handler),
    runtime: r.Properties!.Runtime,
    env: (r.Properties!.Environment as { Variables: Record<string, unknown> }).Variables,
  }));

it('packages seven functions on nodejs24.x', () => {
  expect(functions.map((f) => [f.id, f.runtime])).toEqual(functions.map((f) => [f.id, 'nodejs24.x']));
  expect(functions).toHaveLength(7);
});

it.each(functions.map((f) => [f.id, f] as const))(
  '%s exports an async (event, context) handler',
  (_id, f) => {
    const [file, name] = [f.handler.slice(0, f.handler.lastIndexOf('.')), f.handler.split('.').pop()!];
    const env = Object.fromEntries(
      Object.entries(f.env).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[0] !== 'NODE_OPTIONS',
      ),
    );
    const handler = loadIsolated(
      env,
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry needs require()
      () => (require(path.resolve(__dirname, '../..', file)) as Record<string, unknown>)[name],
    ) as (...args: unknown[]) => unknown;
    expect(typeof handler).toBe('function');
    expect(handler.constructor.name).toBe('AsyncFunction');
    expect(handler.length).toBeLessThanOrEqual(2);
  },
);
