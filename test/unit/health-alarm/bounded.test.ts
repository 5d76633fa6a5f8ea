import { bounded, enrichmentError } from '../../../functions/health-alarm/bounded';
import { PermanentError, toOpsError } from '../../../shared/errors';

describe('enrichmentError', () => {
  it('shows the AWS error name behind the project error, not the wrapper', () => {
    const aws = Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' });
    expect(enrichmentError(toOpsError('elasticloadbalancing:DescribeTargetHealth x', aws))).toBe(
      'AccessDenied: User is not authorized',
    );
  });

  it('adds the HTTP status when the SDK could not name the error', () => {
    const unknown = Object.assign(new Error('UnknownError'), {
      name: 'UnknownError',
      $metadata: { httpStatusCode: 404 },
    });
    expect(enrichmentError(unknown)).toBe('UnknownError (HTTP 404)');
  });

  it('uses the message of the project’s own errors', () => {
    expect(enrichmentError(new PermanentError('HEALTH_TARGETS is not set'))).toBe(
      'HEALTH_TARGETS is not set',
    );
  });

  it('keeps the reason short', () => {
    expect(enrichmentError(new Error('x'.repeat(1000))).length).toBeLessThanOrEqual(200);
  });
});

describe('bounded', () => {
  it('returns the value of a step that finishes', async () => {
    await expect(bounded(1_000, async () => 42)).resolves.toEqual({ ok: true, value: 42 });
  });

  it('returns the reason of a step that fails', async () => {
    await expect(bounded(1_000, async () => Promise.reject(new Error('boom')))).resolves.toEqual({
      ok: false,
      error: 'boom',
    });
  });

  it('gives up on a step that never answers, and aborts it', async () => {
    let aborted = false;
    const outcome = await bounded(
      20,
      (signal) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    );
    expect(outcome).toEqual({ ok: false, error: 'timed out after 20 ms' });
    expect(aborted).toBe(true);
  });
});
