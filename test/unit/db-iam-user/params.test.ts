/** The stage-param resolvers behind the function's vpc block and its role (resources/lib/params.js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const params = require('../../../resources/lib/params.js') as Record<
  string,
  (ctx: unknown) => Promise<unknown>
>;

const ctx = (values: Record<string, unknown>) => ({
  resolveVariable: async (name: string) => values[name.replace(/^param:/, '')],
});

describe('dbIamUser stage params', () => {
  it('emits no vpc block and no ENI permissions when no subnets are configured (local, dev default)', async () => {
    const empty = ctx({ vpcSubnetIds: [], vpcSecurityGroupIds: [] });
    await expect(params.dbIamUserVpc!(empty)).resolves.toBeNull();
    await expect(params.dbIamUserInVpc!(empty)).resolves.toBe('false');
  });

  it('runs in the database VPC when subnets are configured', async () => {
    const vpc = ctx({ vpcSubnetIds: ['subnet-a', 'subnet-b'], vpcSecurityGroupIds: ['sg-1'] });
    await expect(params.dbIamUserVpc!(vpc)).resolves.toEqual({
      subnetIds: ['subnet-a', 'subnet-b'],
      securityGroupIds: ['sg-1'],
    });
    await expect(params.dbIamUserInVpc!(vpc)).resolves.toBe('true');
  });

  it('scopes the secrets it may read to the configured ARNs', async () => {
    await expect(
      params.dbIamUserSecretArns!(
        ctx({ dbIamUserSecretArns: ['arn:${AWS::Partition}:secretsmanager:*:*:secret:rds!*'] }),
      ),
    ).resolves.toEqual([{ 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:*:*:secret:rds!*' }]);
  });
});
