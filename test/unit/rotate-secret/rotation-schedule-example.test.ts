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
});
