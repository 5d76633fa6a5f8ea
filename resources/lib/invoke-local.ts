/**
 * `serverless invoke local` on any stage. osls resolves an environment value that is a
 * CloudFormation `Ref` by listing the deployed stack's resources and rejects `Fn::Sub`, so on a
 * stage that keeps the defaults (NOTIFY_TOPIC_ARN, DASHBOARD_URL and the state tables are
 * intrinsics) invoke local failed unless the stack was deployed, and always for DASHBOARD_URL.
 * This resolves each intrinsic against the deployed stack when there is one, and otherwise to
 * the empty string, which every function reads as "not deployed": the console notifier, no
 * dashboard link, an in-memory store (the values the `local` stage sets). Used by
 * `invoke-local-plugin.js` before osls reads the environment; unit-tested in test/unit/shared.
 */

/** The deployed stack, as far as the environment needs it. */
export interface DeployedStack {
  /** Logical ID → physical ID (a topic's ARN, a table's name). */
  resources: Record<string, string>;
  accountId?: string;
  stackName: string;
}

export interface LocalContext {
  region: string;
  /** Undefined when the stack is not deployed (or cannot be read with these credentials). */
  stack?: DeployedStack;
}

export interface LocalEnvironment {
  environment: Record<string, unknown>;
  /** Variables set to '' because the stack is not deployed or the value cannot be resolved. */
  emptied: string[];
}

type Intrinsic = { Ref: string } | { 'Fn::Sub': string | [string, Record<string, unknown>] };

/** The environment with every `Ref` and `Fn::Sub` replaced by a string; other values unchanged. */
export function localEnvironment(env: Record<string, unknown>, ctx: LocalContext): LocalEnvironment {
  const environment: Record<string, unknown> = {};
  const emptied: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!isIntrinsic(value)) {
      environment[name] = value;
      continue;
    }
    const resolved = ctx.stack ? resolve(value, ctx.region, ctx.stack) : undefined;
    environment[name] = resolved ?? '';
    if (resolved === undefined) emptied.push(name);
  }
  return { environment, emptied };
}

function isIntrinsic(value: unknown): value is Intrinsic {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Fn::Sub');
}

function resolve(value: Intrinsic, region: string, stack: DeployedStack): string | undefined {
  if ('Ref' in value) return stack.resources[value.Ref];
  const [template, vars] = Array.isArray(value['Fn::Sub']) ? value['Fn::Sub'] : [value['Fn::Sub'], {}];
  const pseudo: Record<string, string | undefined> = {
    'AWS::Region': region,
    'AWS::Partition': partition(region),
    'AWS::URLSuffix': region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com',
    'AWS::AccountId': stack.accountId,
    'AWS::StackName': stack.stackName,
  };
  let unresolved = false;
  const text = template.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
    const given = vars[name];
    const found = typeof given === 'string' ? given : (pseudo[name] ?? stack.resources[name]);
    if (found === undefined) unresolved = true;
    return found ?? '';
  });
  return unresolved ? undefined : text;
}

function partition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
