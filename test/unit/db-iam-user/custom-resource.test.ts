/**
 * The request lifecycle (custom-resource.ts) through its ports alone: no logger, no EMF, no HTTP.
 * The end-to-end path (real logger, real PUT to a local server, real databases) is in
 * test/integration/db-iam-user and test/hardening/custom-resource.
 */
import {
  type InvocationDeps,
  handleEvent,
  misconfigured,
} from '../../../functions/db-iam-user/custom-resource';
import type { RespondOptions } from '../../../functions/db-iam-user/ports';
import { cfnEvent, SECRET_ARN } from '../../helpers/db-iam-user/events';
import { lambdaContext } from '../../../local/lambda-context';

const URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=sig';

function recordingPorts() {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const keys: Record<string, string>[] = [];
  const metrics: [string, string][] = [];
  const puts: { url: string; body: string; options: RespondOptions }[] = [];
  const ports: Pick<InvocationDeps, 'log' | 'metrics' | 'respond'> = {
    log: {
      info: (message, extra) => lines.push({ level: 'info', message, extra }),
      warn: (message, extra) => lines.push({ level: 'warn', message, extra }),
      error: (message, extra) => lines.push({ level: 'error', message, extra }),
      appendKeys: (k) => keys.push(k),
    },
    metrics: { response: (type, status) => metrics.push([type, status]) },
    respond: async (url, body, options) => {
      puts.push({ url, body, options });
      options.onRetry?.(1, 'HTTP 503');
      return 2;
    },
  };
  return { ports, lines, keys, metrics, puts };
}

describe('handleEvent (custom-resource.ts) through its ports', () => {
  it('answers a misconfigured Create FAILED: one PUT, one metric, the log lines, the keys', async () => {
    const { ports, lines, keys, metrics, puts } = recordingPorts();
    const deps: InvocationDeps = {
      ...misconfigured(new Error('MYSQL_IAM_AUTH_CLAUSE is invalid')),
      ...ports,
    };
    const event = cfnEvent(
      'Create',
      URL,
      {
        Engine: 'postgres',
        Host: 'db.example',
        Database: 'app',
        Username: 'django',
        MasterSecretArn: SECRET_ARN,
      },
      { requestId: 'r-1' },
    );

    const result = await handleEvent(event, lambdaContext({ remainingTimeMs: 60_000 }), deps, {
      dryRun: false,
      marginMs: 5_000,
    });

    expect(result.status).toBe('FAILED');
    expect(keys).toEqual([{ requestType: 'Create', logicalResourceId: 'AppDbUser', requestId: 'r-1' }]);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.url).toBe(URL);
    const body = JSON.parse(puts[0]!.body) as Record<string, string>;
    expect(body).toMatchObject({ Status: 'FAILED', RequestId: 'r-1', LogicalResourceId: 'AppDbUser' });
    expect(body.Reason).toMatch(/misconfigured: MYSQL_IAM_AUTH_CLAUSE is invalid/);
    // The PUT stops 200 ms before the Lambda deadline.
    expect(puts[0]!.options.deadline).toBeGreaterThan(Date.now() + 50_000);
    expect(puts[0]!.options.deadline).toBeLessThanOrEqual(Date.now() + 60_000 - 200);
    expect(metrics).toEqual([['Create', 'FAILED']]);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['error', 'Custom resource request failed'],
      ['warn', 'CloudFormation response PUT failed; retrying'],
      ['info', 'CloudFormation response sent'],
    ]);
    // The pre-signed URL's signature is a credential: logged without its query string.
    expect(JSON.stringify(lines)).not.toContain('X-Amz-Signature');
    expect(lines.at(-1)!.extra).toEqual({
      attempts: 2,
      url: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    });
  });

  it('dry run: no PUT and no metric, the would-be body returned and logged', async () => {
    const { ports, lines, metrics, puts } = recordingPorts();
    const deps: InvocationDeps = { ...misconfigured(new Error('bad')), ...ports };
    const result = await handleEvent(
      cfnEvent('Delete', URL, {}, { physicalResourceId: 'dbiamuser:failed-create:AppDbUser' }),
      lambdaContext({ remainingTimeMs: 60_000 }),
      deps,
      { dryRun: true, marginMs: 5_000 },
    );
    expect(puts).toHaveLength(0);
    expect(metrics).toHaveLength(0);
    expect(result.wouldPut?.url).toBe(
      'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    );
    expect(lines.map((l) => l.message)).toEqual(['Dry run: response not sent']);
  });

  it('a request type outside Create/Update/Delete is counted as Invalid', async () => {
    const { ports, metrics } = recordingPorts();
    const deps: InvocationDeps = { ...misconfigured(new Error('bad')), ...ports };
    await handleEvent(
      { ...cfnEvent('Create', URL, {}), RequestType: 'Explode' },
      lambdaContext({ remainingTimeMs: 60_000 }),
      deps,
      { dryRun: false, marginMs: 5_000 },
    );
    expect(metrics).toEqual([['Invalid', 'FAILED']]);
  });
});
