export {};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stageParams = require('../../../resources/lib/params.js') as Record<
  string,
  (ctx: { resolveVariable: (v: string) => Promise<unknown> }) => Promise<unknown>
>;

const resolver = (values: Record<string, unknown>) => ({
  resolveVariable: async (name: string) => values[name.replace(/^param:/, '')],
});

// The IAM scope of rotateSecret comes from these stage-param resolvers.
describe('rotateSecret stage params', () => {
  it('scopes secrets to the name prefix plus listed ARNs', async () => {
    await expect(
      stageParams.rotateSecretArns!(
        resolver({
          secretPrefix: 'django-app/',
          rotateSecretArns: ['arn:${AWS::Partition}:secretsmanager:eu-west-1:1:secret:x'],
        }),
      ),
    ).resolves.toEqual([
      { 'Fn::Sub': 'arn:${AWS::Partition}:secretsmanager:eu-west-1:1:secret:x' },
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:django-app/*',
      },
    ]);
    await expect(
      stageParams.rotateSecretArns!(resolver({ secretPrefix: '', rotateSecretArns: [] })),
    ).rejects.toThrow(/secretPrefix or rotateSecretArns/);
  });

  it('allows UpdateService only on the consumer services, in their clusters', async () => {
    const ctx = resolver({
      clusterName: 'django-app',
      secretConsumers: [
        { secret: 'a', services: ['web', 'worker'] },
        { secret: 'b', services: ['flower'], cluster: 'celery' },
        { secret: 'c', services: ['web'] },
      ],
    });
    await expect(stageParams.rotateSecretConsumerServiceArns!(ctx)).resolves.toEqual(
      ['django-app/web', 'django-app/worker', 'celery/flower'].map((s) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/${s}`,
      })),
    );
    await expect(stageParams.rotateSecretHasConsumers!(ctx)).resolves.toBe('true');
    await expect(
      stageParams.rotateSecretHasConsumers!(resolver({ clusterName: 'x', secretConsumers: [] })),
    ).resolves.toBe('false');
  });

  it('emits no vpc block without subnets', async () => {
    await expect(
      stageParams.rotateSecretVpc!(resolver({ vpcSubnetIds: [], vpcSecurityGroupIds: [] })),
    ).resolves.toBeNull();
    await expect(
      stageParams.rotateSecretVpc!(resolver({ vpcSubnetIds: ['subnet-1'], vpcSecurityGroupIds: ['sg-1'] })),
    ).resolves.toEqual({ subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'] });
  });
});
