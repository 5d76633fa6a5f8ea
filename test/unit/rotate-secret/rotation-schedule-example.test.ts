import { readFileSync } from 'node:fs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };
import { validateTemplate } from '../../helpers/cfn-spec';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Template = Parameters<typeof validateTemplate>[0] & { Resources?: Record<string, Resource> };

// The app-stack example in resources/examples is copied by users: it must be valid CloudFormation.
describe('resources/examples/rotation-schedule.yml', () => {
  const template = yaml.load(readFileSync('resources/examples/rotation-schedule.yml', 'utf8')) as Template;

  it('passes the CloudFormation resource specification', () => {
    expect(validateTemplate(template)).toEqual([]);
  });

  it('points every rotation schedule at the exported rotateSecret ARN and does not rotate on stack updates', () => {
    const schedules = Object.values(template.Resources ?? {}).filter(
      (r) => r.Type === 'AWS::SecretsManager::RotationSchedule',
    );
    expect(schedules).toHaveLength(2);
    for (const s of schedules) {
      expect(JSON.stringify(s.Properties)).toContain('RotateSecretFunctionArn');
      expect(s.Properties?.RotateImmediatelyOnUpdate).toBe(false);
    }
  });

  it('uses cron() schedules, and the random value the template generates passes the configuration test', () => {
    // With RotateImmediatelyOnUpdate false a rate() schedule "might still" rotate on a change, and
    // Secrets Manager runs testSecret at creation, which checks the value's length against the tag:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-secretsmanager-rotationschedule-rotationrules.html
    // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html
    const resources = Object.values(template.Resources ?? {});
    for (const s of resources.filter((r) => r.Type === 'AWS::SecretsManager::RotationSchedule')) {
      const rules = s.Properties?.RotationRules as { ScheduleExpression?: string };
      expect(rules.ScheduleExpression).toMatch(/^cron\(/);
    }
    for (const secret of resources.filter((r) => r.Type === 'AWS::SecretsManager::Secret')) {
      const tags = (secret.Properties?.Tags ?? []) as Array<{ Key: string; Value: string }>;
      const length = tags.find((t) => t.Key === 'ops-sentinel:random-length')?.Value;
      if (length === undefined) continue;
      const generate = secret.Properties?.GenerateSecretString as { PasswordLength?: number };
      expect(generate.PasswordLength).toBe(Number(length));
    }
  });
});
