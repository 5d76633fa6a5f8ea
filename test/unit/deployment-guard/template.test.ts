/**
 * The function's triggers and IAM, read from the serverless/CloudFormation YAML as written
 * (params unresolved). The packaged template is covered for every stage by test/contract.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

// js-yaml comes with osls (no type declarations installed); these files use no short-form tags.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

const ROOT = path.resolve(__dirname, '../../..');
const load = (file: string) =>
  yaml.load(readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
type EventBridge = {
  pattern?: Record<string, unknown>;
  schedule?: string;
  deadLetterQueueArn?: unknown;
  retryPolicy?: unknown;
};

const fn = load('functions/deployment-guard/function.yml').deploymentGuard as {
  reservedConcurrency?: number;
  environment: Record<string, string>;
  events: Array<{ eventBridge: EventBridge }>;
  role: string;
  destinations: unknown;
};
const resourcesYaml = load('resources/deployment-guard.yml').Resources as Record<string, unknown>;
const role = (
  resourcesYaml as Record<
    string,
    { Properties: { Policies: Array<{ PolicyDocument: { Statement: Statement[] } }> } }
  >
).DeploymentGuardRole!;
const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement);
const actions = (s: Statement) => [s.Action].flat();
const resources = (s: Statement) => JSON.stringify(s.Resource);

describe('deploymentGuard triggers', () => {
  const patterns = fn.events.map((e) => e.eventBridge);

  it('listens to the three ECS event kinds of the monitored cluster only, plus a minute sweep', () => {
    expect(patterns.map((p) => p.pattern?.['detail-type'] ?? p.schedule)).toEqual([
      ['ECS Deployment State Change'],
      ['ECS Service Action'],
      ['ECS Task State Change'],
      'rate(1 minute)',
    ]);
    for (const p of patterns.slice(0, 3)) expect(JSON.stringify(p.pattern)).toContain('${param:clusterName}');
  });

  it('takes only failure service actions and only stopped tasks launched by a deployment', () => {
    expect(patterns[1]!.pattern!.detail).toMatchObject({
      eventName: [
        'SERVICE_TASK_START_IMPAIRED',
        'SERVICE_TASK_PLACEMENT_FAILURE',
        'SERVICE_TASK_CONFIGURATION_FAILURE',
      ],
    });
    expect(patterns[2]!.pattern!.detail).toMatchObject({
      lastStatus: ['STOPPED'],
      startedBy: [{ prefix: 'ecs-svc/' }],
    });
  });

  it('serialises actions with a claims table, not reserved concurrency (Lambda keeps 100 unreserved: a new account could not deploy it)', () => {
    // https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
    expect(fn.reservedConcurrency).toBeUndefined();
    expect(fn.environment.CLAIMS_TABLE).toBe('${param:deploymentGuardClaimsTable}');
    const table = resourcesYaml.DeploymentGuardClaims as { Properties: Record<string, unknown> };
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const claim = statements.filter((s) => resources(s).includes('DeploymentGuardClaims'));
    expect(claim.map(actions)).toEqual([['dynamodb:PutItem']]);
  });

  it('sends undeliverable events and failed invocations to the dead-letter queue', () => {
    for (const p of patterns)
      expect(p.deadLetterQueueArn).toEqual({ 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] });
    expect(fn.destinations).toEqual({
      onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] } },
    });
    expect(fn.role).toBe('DeploymentGuardRole');
  });
});

describe('deploymentGuard IAM', () => {
  it('scopes every mutating ECS action to the monitored cluster', () => {
    const mutating = ['ecs:UpdateService', 'ecs:StopServiceDeployment', 'ecs:TagResource'];
    for (const action of mutating) {
      const granting = statements.filter((s) => actions(s).includes(action));
      expect([action, granting.length]).toEqual([action, 1]);
      expect(resources(granting[0]!)).toMatch(/:(service|service-deployment)\/\$\{param:clusterName\}\/\*/);
    }
  });

  it('lets TagResource write the marker tag and nothing else', () => {
    const tag = statements.find((s) => actions(s).includes('ecs:TagResource'))!;
    expect(tag.Condition).toEqual({
      'ForAllValues:StringEquals': { 'aws:TagKeys': ['ops-sentinel:deployment-guard'] },
    });
  });

  it('may cancel only the app stacks named by the stage prefix', () => {
    const cfn = statements.find((s) => actions(s).includes('cloudformation:CancelUpdateStack'))!;
    expect(resources(cfn)).toContain(':stack/${param:appStackPrefix}*/*');
  });

  it('grants "*" only to the read-only ListTasks, limited to the cluster', () => {
    const star = statements.filter((s) => resources(s) === '"*"');
    expect(star.map(actions)).toEqual([['ecs:ListTasks']]);
    expect(JSON.stringify(star[0]!.Condition)).toContain('cluster/${param:clusterName}');
  });
});
