/** Helpers for the ARNs that appear in ECS, ELB and CloudWatch events. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string | undefined | null): ParsedArn | undefined {
  if (typeof arn !== 'string') return undefined;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  return { partition, service, region, account, resource: parts.slice(5).join(':') };
}

/** Last path segment of an ARN's resource, or the input itself when it is not an ARN. */
export function nameFromArn(arnOrName: string | undefined | null): string | undefined {
  if (typeof arnOrName !== 'string' || arnOrName === '') return undefined;
  const parsed = parseArn(arnOrName);
  if (!parsed) return arnOrName;
  const segments = parsed.resource.split('/');
  return segments[segments.length - 1] || undefined;
}

/** `arn:...:cluster/NAME` → NAME */
export const clusterNameFromArn = nameFromArn;

/**
 * Service name from `arn:aws:ecs:r:a:service/CLUSTER/NAME` (new format) or
 * `arn:aws:ecs:r:a:service/NAME` (old format), or from a task's `group` (`service:NAME`).
 */
export function serviceNameFrom(value: string | undefined | null): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('service:')) return value.slice('service:'.length) || undefined;
  return nameFromArn(value);
}

/** `family:revision` from a task definition ARN. */
export function taskDefinitionLabel(arn: string | undefined | null): string | undefined {
  return nameFromArn(arn);
}

/**
 * The CloudWatch dimension value of an ALB or target group ARN: `app/NAME/ID` for
 * `...:loadbalancer/app/NAME/ID`, `targetgroup/NAME/ID` for a target group.
 */
export function elbDimensionFromArn(arn: string | undefined | null): string | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'elasticloadbalancing') return undefined;
  return parsed.resource.startsWith('loadbalancer/')
    ? parsed.resource.slice('loadbalancer/'.length)
    : parsed.resource;
}
