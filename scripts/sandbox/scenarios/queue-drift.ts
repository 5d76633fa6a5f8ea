/**
 * queueDrift on the SQS emulator: the Celery queue exists with VisibilityTimeout 30 s while the
 * app expects 360 s. SQS has a local emulator, so this is no dry run: with `remediate: true` the
 * function sets the attribute back itself, and the queue is checked afterwards.
 */
import path from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../../shared/aws/client-config';
import type { DriftReport } from '../../../functions/queue-drift/core';
import { invoke, loadHandler, wouldCalls } from '../invoke';
import { HANDLER_VIA, sampleEvent } from './events';
import { emulatorTable } from './tables';
import type { Scenario } from './types';

const QUEUE = 'celery';
const DRIFTED = 30;
const EXPECTED = 360;

export const queueDrift: Scenario = {
  fn: 'queueDrift',
  title: 'Celery queue VisibilityTimeout drift, found and fixed on the SQS emulator',
  async run(ctx) {
    const sqs = new SQSClient({ ...clientConfig(), useQueueUrlAsEndpoint: false });
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: QUEUE, Attributes: { VisibilityTimeout: String(DRIFTED) } }),
    );
    ctx.progress(`created queue ${QUEUE} with VisibilityTimeout=${DRIFTED} (the app expects ${EXPECTED})`);

    // Episodes in DynamoDB when a full emulator serves it, else in memory (as `invoke local`).
    const table = ctx.fullEmulator
      ? await emulatorTable(ctx, 'ops-sentinel-local-queue-drift-episodes', {
          hash: 'scope',
          range: 'episode',
        })
      : '';
    const env = {
      QUEUES: JSON.stringify([{ name: QUEUE, expectedVisibilityTimeout: EXPECTED, remediate: true }]),
      QUEUE_PREFIX: '',
      EPISODE_TABLE: table,
      DRY_RUN: 'false',
    };
    const handler = await loadHandler(path.join(ctx.root, 'functions/queue-drift/handler.ts'), env);
    const { result, captured } = await invoke<DriftReport>(
      handler,
      'queueDrift',
      sampleEvent(ctx.root, 'queue-drift/scheduled.json'),
      env,
    );

    const after = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['VisibilityTimeout'] }),
    );
    const drift = captured.metrics.find((m) => m.name === 'VisibilityTimeoutDrift');
    return {
      via: HANDLER_VIA,
      input: [
        'events/queue-drift/scheduled.json (EventBridge schedule)',
        `QUEUES=[{name: ${QUEUE}, expectedVisibilityTimeout: ${EXPECTED}, remediate: true}], DRY_RUN=false (SQS is emulated)`,
        `queue ${QUEUE} on the emulator: VisibilityTimeout=${DRIFTED}`,
      ],
      decided: result.findings.map((f) => `${f.kind} (${f.severity}) on ${f.queue}: ${f.message}`),
      did: [
        `episodes opened: ${result.episodes.opened.join(', ') || 'none'} (store: ${result.episodeStore})`,
        ...(drift ? [`metric VisibilityTimeoutDrift=${String(drift.value)} (EMF)`] : []),
        ...result.findings
          .filter((f) => f.remediation)
          .map((f) => `remediation ${f.remediation!.outcome}: ${f.remediation!.call}`),
      ],
      wouldCall: wouldCalls(captured),
      verified: [
        {
          check: 'the drifted queue was found (VisibilityTimeoutDrift)',
          ok: result.findings.some((f) => f.kind === 'VisibilityTimeoutDrift' && f.queue === QUEUE),
        },
        {
          check: `the queue was remediated (VisibilityTimeout now ${EXPECTED} on the emulator)`,
          ok: after.Attributes?.VisibilityTimeout === String(EXPECTED),
        },
      ],
    };
  },
};
