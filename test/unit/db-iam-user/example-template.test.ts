/**
 * resources/examples/django-app-db-user.yml is documentation users copy: its AWS resources must
 * match the CloudFormation spec and its Custom::DbIamUser properties must pass the function's own
 * validation.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DbIamUserProperties } from '../../../functions/db-iam-user/schema';
import { validateTemplate } from '../../helpers/cfn-spec';
import { SECRET_ARN } from '../../helpers/db-iam-user/events';

// js-yaml comes with osls (no type declarations installed); the example uses no short-form tags.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Template = Parameters<typeof validateTemplate>[0] & {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
};
const template = yaml.load(
  readFileSync(path.resolve(__dirname, '../../../resources/examples/django-app-db-user.yml'), 'utf8'),
) as Template;

/** What CloudFormation would pass at run time for the intrinsic functions in the example. */
const RESOLVED: Record<string, unknown> = {
  'Database.Endpoint.Address': 'app.abc.eu-west-1.rds.amazonaws.com',
  'Database.Endpoint.Port': '5432',
  'Database.MasterUserSecret.SecretArn': SECRET_ARN,
};

describe('the example app stack', () => {
  it('declares AWS resources that match the CloudFormation spec', () => {
    // The custom type is not in the spec; the Output is the only reference to it.
    const { AppDbUser: _custom, ...aws } = template.Resources;
    expect(validateTemplate({ ...template, Resources: aws, Outputs: {} } as Template)).toEqual([]);
  });

  it('declares Custom::DbIamUser with a ServiceToken, a ServiceTimeout and valid properties', () => {
    const custom = template.Resources.AppDbUser!;
    expect(custom.Type).toBe('Custom::DbIamUser');
    const { ServiceToken, ServiceTimeout, ...props } = custom.Properties!;
    expect(JSON.stringify(ServiceToken)).toContain('DbIamUserServiceToken');
    expect(ServiceTimeout).toBeGreaterThan(120);
    const resolved = Object.fromEntries(
      Object.entries(props).map(([k, v]) => {
        const getAtt = (v as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt'];
        return [k, getAtt ? RESOLVED[getAtt.join('.')] : v];
      }),
    );
    expect(DbIamUserProperties.safeParse(resolved).success).toBe(true);
  });

  it('gives the task role rds-db:connect on the user, by the instance resource id', () => {
    const policy = JSON.stringify(template.Resources.AppTaskRole!.Properties);
    expect(policy).toContain('rds-db:connect');
    expect(policy).toContain(':rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${ResourceId}/django');
    expect(policy).toContain('DbiResourceId');
  });
});
