'use strict';
// Serverless variable resolvers that turn structured stage params into JSON strings for
// environment variables: `${file(./resources/lib/params.js):json.healthTargets}` style is not
// supported, so each list has its own export.
const asJson = (name) => async ({ resolveVariable }) => JSON.stringify(await resolveVariable(`param:${name}`));
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

module.exports = {
  services: asJson('services'),
  healthTargets: asJson('healthTargets'),
  queues: asJson('queues'),
  consumers: asJson('secretConsumers'),
  dbIamUserVpc,
  dbIamUserInVpc,
  dbIamUserSecretArns,
};
