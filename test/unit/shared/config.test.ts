import { envBool, envInt, envJson, envList, loadConfig } from '../../../shared/config';
import * as z from '../../../shared/zod';

const Schema = z.object({
  NOTIFY_TOPIC_ARN: z.optional(z.string()),
  CLUSTER_NAME: z.string().check(z.minLength(1)),
  DRY_RUN: z._default(envBool, false),
  TIMEOUT_SECONDS: z._default(envInt(1, 900), 30),
  SERVICES: envJson(z.array(z.object({ name: z.string() }))),
  QUEUES: z.optional(envList),
});

describe('loadConfig', () => {
  it('parses typed values from strings', () => {
    const config = loadConfig(Schema, {
      CLUSTER_NAME: 'django-app',
      DRY_RUN: 'TRUE',
      TIMEOUT_SECONDS: '45',
      SERVICES: '[{"name":"web"}]',
      QUEUES: 'celery, ,default',
      UNRELATED: 'x',
    });

    expect(config).toEqual({
      CLUSTER_NAME: 'django-app',
      DRY_RUN: true,
      TIMEOUT_SECONDS: 45,
      SERVICES: [{ name: 'web' }],
      QUEUES: ['celery', 'default'],
    });
  });

  it('treats empty strings as unset so defaults apply', () => {
    const config = loadConfig(Schema, {
      CLUSTER_NAME: 'c',
      DRY_RUN: '',
      SERVICES: '[]',
      NOTIFY_TOPIC_ARN: '',
    });
    expect(config.DRY_RUN).toBe(false);
    expect(config.NOTIFY_TOPIC_ARN).toBeUndefined();
  });

  it('names every missing or invalid variable in one error', () => {
    expect(() =>
      loadConfig(Schema, { DRY_RUN: 'maybe', TIMEOUT_SECONDS: '9999', SERVICES: '{oops' }),
    ).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringMatching(
          /^Invalid configuration: CLUSTER_NAME is missing: .*; DRY_RUN is invalid: expected true or false; TIMEOUT_SECONDS is invalid: .*900.*; SERVICES is invalid: not valid JSON$/,
        ),
      }),
    );
  });

  it('reports the path inside a JSON variable', () => {
    expect(() => loadConfig(Schema, { CLUSTER_NAME: 'c', SERVICES: '[{"name":1}]' })).toThrow(
      /SERVICES\.0\.name is invalid/,
    );
  });
});
