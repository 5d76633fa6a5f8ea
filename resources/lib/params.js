'use strict';
// Serverless variable resolvers that turn structured stage params into JSON strings for
// environment variables: `${file(./resources/lib/params.js):json.healthTargets}` style is not
// supported, so each list has its own export.
const asJson =
  (name) =>
  async ({ resolveVariable }) =>
    JSON.stringify(await resolveVariable(`param:${name}`));

// dbIamUser: the function's vpc block, or null (no VPC) when no subnets are configured, e.g. local.
const dbIamUserVpc = async ({ resolveVariable }) => {
  const subnetIds = (await resolveVariable('param:vpcSubnetIds')) || [];
  const securityGroupIds = (await resolveVariable('param:vpcSecurityGroupIds')) || [];
  return subnetIds.length > 0 ? { subnetIds, securityGroupIds } : null;
};
// dbIamUser: 'true' when it runs in a VPC (its role then gets the ENI permissions Lambda needs).
const dbIamUserInVpc = async (ctx) => String((await dbIamUserVpc(ctx)) !== null);
// dbIamUser: the secrets it may read, each as Fn::Sub so stage params may use ${AWS::AccountId}.
const dbIamUserSecretArns = async ({ resolveVariable }) =>
  ((await resolveVariable('param:dbIamUserSecretArns')) || []).map((arn) => ({ 'Fn::Sub': arn }));

// rotateSecret: the function's vpc block (the database's VPC), or null when no subnets are configured.
const rotateSecretVpc = async ({ resolveVariable }) => {
  const subnetIds = (await resolveVariable('param:vpcSubnetIds')) || [];
  const securityGroupIds = (await resolveVariable('param:vpcSecurityGroupIds')) || [];
  return subnetIds.length > 0 ? { subnetIds, securityGroupIds } : null;
};
const rotateSecretInVpc = async (ctx) => String((await rotateSecretVpc(ctx)) !== null);
const sub = (arn) => ({ 'Fn::Sub': arn });
// rotateSecret: the secrets it may rotate: `arn:...:secret:<secretPrefix>*` plus rotateSecretArns.
const rotateSecretArns = async ({ resolveVariable }) => {
  const prefix = (await resolveVariable('param:secretPrefix')) || '';
  const arns = ((await resolveVariable('param:rotateSecretArns')) || []).map(sub);
  if (prefix)
    arns.push(
      sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${prefix}*`),
    );
  if (arns.length === 0)
    throw new Error('rotateSecret: set the secretPrefix or rotateSecretArns stage param');
  return arns;
};
// rotateSecret: master secrets (a secret's `masterarn`) it may read.
const rotateSecretMasterArns = async ({ resolveVariable }) =>
  ((await resolveVariable('param:rotateSecretMasterArns')) || []).map(sub);
// rotateSecret: the ECS services of secretConsumers, for ecs:UpdateService.
const rotateSecretConsumerServiceArns = async ({ resolveVariable }) => {
  const cluster = await resolveVariable('param:clusterName');
  const consumers = (await resolveVariable('param:secretConsumers')) || [];
  const names = new Set(
    consumers.flatMap((c) => (c.services || []).map((s) => `${c.cluster || cluster}/${s}`)),
  );
  return [...names].map((n) =>
    sub(`arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:service/${n}`),
  );
};
const rotateSecretHasConsumers = async (ctx) =>
  String((await rotateSecretConsumerServiceArns(ctx)).length > 0);

module.exports = {
  services: asJson('services'),
  healthTargets: asJson('healthTargets'),
  queues: asJson('queues'),
  consumers: asJson('secretConsumers'),
  dbIamUserVpc,
  dbIamUserInVpc,
  dbIamUserSecretArns,
  rotateSecretVpc,
  rotateSecretInVpc,
  rotateSecretArns,
  rotateSecretMasterArns,
  rotateSecretConsumerServiceArns,
  rotateSecretHasConsumers,
};
