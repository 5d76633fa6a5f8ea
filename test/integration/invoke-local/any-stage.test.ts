/**
 * `serverless invoke local` on a stage that keeps the defaults (dev): NOTIFY_TOPIC_ARN,
 * DASHBOARD_URL and the episode table are CloudFormation intrinsics there. Not deployed, they
 * become '' (console notifier, no dashboard link, in-memory store) instead of failing with
 * "Unsupported environment variable format". The function's region comes from --region, not from
 * AWS_REGION. Every AWS call goes to the SQS emulator (AWS_ENDPOINT_URL), none leaves the machine.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { serverlessEnv, withServerlessLock } from '../../helpers/packaged-template';
import { startFauxqs, type Fauxqs } from '../../../local/queue-drift/fauxqs';

const ROOT = path.resolve(__dirname, '../../..');
let fauxqs: Fauxqs;

beforeAll(async () => {
  fauxqs = await startFauxqs();
}, 60_000);

afterAll(async () => {
  await fauxqs?.stop();
});

it('works on the dev stage, not deployed, with the region from --region', async () => {
  const sqs = new SQSClient({
    region: 'eu-west-1',
    endpoint: fauxqs.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    useQueueUrlAsEndpoint: false,
  });
  await sqs.send(new CreateQueueCommand({ QueueName: 'qdlocal-stray' }));
  sqs.destroy();

  const run = withServerlessLock(() =>
    spawnSync(
      path.join(ROOT, 'node_modules/.bin/serverless'),
      [
        'invoke',
        'local',
        '--stage',
        'dev',
        '--region',
        'eu-west-1',
        '--param=queuePrefix=qdlocal-',
        '-f',
        'queueDrift',
        '--path',
        'events/queue-drift/scheduled.json',
      ],
      {
        cwd: ROOT,
        env: serverlessEnv({
          AWS_REGION: 'us-west-2', // not what invoke local uses: --region wins
          AWS_ENDPOINT_URL: fauxqs.endpoint,
        }),
        encoding: 'utf8',
        timeout: 240_000,
      },
    ),
  );
  const output = `${run.stdout}\n${run.stderr}`;

  expect(output).not.toContain('Unsupported environment variable format');
  expect(run.status).toBe(0);
  expect(output).toContain(
    "invoke local: NOTIFY_TOPIC_ARN, DASHBOARD_URL, EPISODE_TABLE set to '' " +
      '(stack ops-sentinel-dev is not deployed in eu-west-1 or not readable)',
  );
  // The console notifier printed the finding, its console link in the --region region.
  expect(output).toContain('Subject: [WARNING] dev qdlocal-stray: unexpected queue with the app prefix');
  expect(output).toContain('https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1');
  expect(output).not.toContain('us-west-2');
  expect(output).toContain('"episodeStore": "memory"');
}, 300_000);
