/**
 * Offline CloudFormation checks for the packaged template: every resource type and property
 * against the CloudFormation resource specification (`@aws-cdk/aws-service-spec`), references
 * that point somewhere, and IAM statements that are not broad.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

type Json = unknown;
type Template = {
  Resources?: Record<
    string,
    { Type: string; Properties?: Record<string, Json>; Condition?: string; DependsOn?: string | string[] }
  >;
  Parameters?: Record<string, Json>;
  Conditions?: Record<string, Json>;
  Outputs?: Record<string, Json>;
};

let db: ReturnType<typeof loadAwsServiceSpecSync> | undefined;
function spec() {
  db ??= loadAwsServiceSpecSync();
  return db;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::URLSuffix',
  'AWS::NoValue',
  'AWS::NotificationARNs',
]);

function isIntrinsic(v: Json): v is Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition');
}

interface SpecType {
  type: string;
  element?: SpecType;
  types?: SpecType[];
  reference?: { $ref: string };
  allowedValues?: unknown[];
}
interface SpecProperty {
  required?: boolean;
  type: SpecType;
  previousTypes?: SpecType[];
}

function checkValue(value: Json, type: SpecType, path: string, errors: string[]): boolean {
  if (isIntrinsic(value)) return true;
  switch (type.type) {
    case 'json':
      return true;
    case 'string':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    case 'date-time':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(typeof value === 'string' ? Number(value) : value);
    case 'number':
      return (
        typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && !isNaN(Number(value)))
      );
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false';
    case 'null':
      return value === null;
    case 'tag':
      return typeof value === 'object' && value !== null && 'Key' in value && 'Value' in value;
    case 'array':
      if (!Array.isArray(value)) return false;
      value.forEach((item, i) => {
        if (!checkValue(item, type.element!, `${path}[${i}]`, errors))
          errors.push(`${path}[${i}]: expected ${type.element!.type}`);
      });
      return true;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      for (const [k, item] of Object.entries(value)) {
        if (!checkValue(item, type.element!, `${path}.${k}`, errors))
          errors.push(`${path}.${k}: expected ${type.element!.type}`);
      }
      return true;
    case 'union':
      return (
        type.types!.some((t) => {
          const scratch: string[] = [];
          return checkValue(value, t, path, scratch) && scratch.length === 0;
        }) || (errors.push(`${path}: matches none of the allowed types`), true)
      );
    case 'ref': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const def = spec().get('typeDefinition', type.reference!.$ref) as unknown as {
        name: string;
        properties: Record<string, SpecProperty>;
      };
      checkProperties(value as Record<string, Json>, def.properties, path, errors);
      return true;
    }
    default:
      return true;
  }
}

function checkProperties(
  props: Record<string, Json>,
  specProps: Record<string, SpecProperty>,
  path: string,
  errors: string[],
) {
  for (const [name, p] of Object.entries(specProps)) {
    if (p.required && !(name in props)) errors.push(`${path}: required property ${name} is missing`);
  }
  for (const [name, value] of Object.entries(props)) {
    const p = specProps[name];
    if (!p) {
      errors.push(`${path}: unknown property ${name}`);
      continue;
    }
    const candidates = [p.type, ...(p.previousTypes ?? [])];
    const ok = candidates.some((t) => {
      const scratch: string[] = [];
      const good = checkValue(value, t, `${path}.${name}`, scratch) && scratch.length === 0;
      return good;
    });
    if (!ok) {
      // Report the current type's specific problems.
      const scratch: string[] = [];
      if (!checkValue(value, p.type, `${path}.${name}`, scratch))
        scratch.push(`${path}.${name}: expected ${p.type.type}`);
      errors.push(...scratch);
    }
  }
}

function walk(value: Json, visit: (v: Record<string, Json>) => void) {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (typeof value === 'object' && value !== null) {
    visit(value as Record<string, Json>);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

/** Every error found in the template; an empty list means it passed. */
export function validateTemplate(template: Template): string[] {
  const errors: string[] = [];
  const resources = template.Resources ?? {};
  const params = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const specs = new Map<
    string,
    { properties: Record<string, SpecProperty>; attributes: Record<string, unknown> }
  >();

  for (const [logicalId, resource] of Object.entries(resources)) {
    const found = spec().lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    const r = found[0] as unknown as
      { properties: Record<string, SpecProperty>; attributes: Record<string, unknown> } | undefined;
    if (!r) {
      errors.push(`${logicalId}: unknown resource type ${resource.Type}`);
      continue;
    }
    specs.set(logicalId, r);
    checkProperties(resource.Properties ?? {}, r.properties, `${logicalId}(${resource.Type})`, errors);
    if (resource.Condition && !conditions.has(resource.Condition))
      errors.push(`${logicalId}: unknown condition ${resource.Condition}`);
    for (const dep of [resource.DependsOn ?? []].flat()) {
      if (!resources[dep]) errors.push(`${logicalId}: DependsOn unknown resource ${dep}`);
    }
  }

  walk(template, (node) => {
    if (
      typeof node.Ref === 'string' &&
      !PSEUDO.has(node.Ref) &&
      !resources[node.Ref] &&
      !params.has(node.Ref)
    ) {
      errors.push(`Ref to unknown ${node.Ref}`);
    }
    const getAtt = node['Fn::GetAtt'];
    if (getAtt !== undefined) {
      const [id, attr] = Array.isArray(getAtt) ? getAtt : String(getAtt).split('.');
      const target = specs.get(String(id));
      if (!resources[String(id)]) errors.push(`Fn::GetAtt to unknown resource ${id}`);
      else if (target && !(String(attr) in target.attributes))
        errors.push(`Fn::GetAtt ${id}.${attr}: no such attribute`);
    }
  });
  return errors;
}

export interface PolicyStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: Json;
  NotAction?: unknown;
  NotResource?: unknown;
}

/** Every IAM statement in the template, with where it came from. */
export function iamStatements(template: Template): Array<{ where: string; statement: PolicyStatement }> {
  const out: Array<{ where: string; statement: PolicyStatement }> = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const docs: Array<[string, Json]> = [];
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of (r.Properties?.Policies as Array<{ PolicyName: string; PolicyDocument: Json }>) ?? []) {
        docs.push([`${id}/${p.PolicyName}`, p.PolicyDocument]);
      }
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      docs.push([id, r.Properties?.PolicyDocument]);
    for (const [where, doc] of docs) {
      const statements = (doc as { Statement?: Json })?.Statement ?? [];
      for (const statement of [statements].flat()) out.push(...conditionalBranches(where, statement));
    }
  }
  return out;
}

/**
 * A statement, or both branches of an `Fn::If` (nested ones too) that chooses it: CloudFormation
 * deploys whichever branch its condition picks, so each must pass. `AWS::NoValue` yields none.
 */
function conditionalBranches(
  where: string,
  node: Json,
): Array<{ where: string; statement: PolicyStatement }> {
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, Json>;
  if (record.Ref === 'AWS::NoValue') return [];
  const choice = record['Fn::If'];
  if (Array.isArray(choice) && choice.length === 3) {
    const [condition, whenTrue, whenFalse] = choice as [string, Json, Json];
    return [
      ...conditionalBranches(`${where} (${condition})`, whenTrue),
      ...conditionalBranches(`${where} (not ${condition})`, whenFalse),
    ];
  }
  return [{ where, statement: record as PolicyStatement }];
}

const READ_ONLY_VERB = /^(Describe|List|Get|BatchGet)/;

/**
 * Broad statements: a wildcard in an action, NotAction/NotResource, or a mutating action
 * (anything but Describe/List/Get) on `Resource: "*"`.
 */
export function broadIamStatements(template: Template): string[] {
  const problems: string[] = [];
  for (const { where, statement } of iamStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction || statement.NotResource) problems.push(`${where}: NotAction/NotResource`);
    const actions = [statement.Action ?? []].flat();
    const resources = [statement.Resource ?? []].flat();
    for (const action of actions) {
      if (typeof action !== 'string' || action.includes('*'))
        problems.push(`${where}: wildcard action ${String(action)}`);
    }
    if (resources.some((r) => r === '*')) {
      for (const action of actions) {
        const verb = String(action).split(':')[1] ?? '';
        if (!READ_ONLY_VERB.test(verb)) problems.push(`${where}: mutating action ${action} on Resource "*"`);
      }
    }
  }
  return problems;
}
