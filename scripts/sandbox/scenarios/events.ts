import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A sample event from events/ (the files `serverless invoke local --path` uses). */
export function sampleEvent(root: string, relative: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(root, 'events', relative), 'utf8')) as Record<string, unknown>;
}

export const HANDLER_VIA =
  'handler.ts in-process (middy + Powertools, same code as `serverless invoke local`)';

/** The `services` stage param of the local stage, as the SERVICES variable. */
export const LOCAL_SERVICES = JSON.stringify([
  {
    name: 'web',
    targetGroupArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/django-web/6d0ecf831eec9f09',
    loadBalancerArn:
      'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/django-alb/50dc6c495c0c9188',
    deployment: { mode: 'notify' },
  },
  { name: 'worker', deployment: { mode: 'notify' } },
]);

/** The `healthTargets` param of the local stage, pointing at the sandbox's health app. */
export function healthTargets(url: string): string {
  return JSON.stringify([{ name: 'local-app', url: `${url}?format=json`, format: 'django-health-check' }]);
}
