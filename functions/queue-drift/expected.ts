import type { QueueDriftDeps, ServiceTaskDefinition } from './ports';
import {
  APP_DEFAULT_VISIBILITY_TIMEOUT,
  DEFAULT_ENV_VAR,
  type ExpectedSource,
  type QueueSpec,
} from './schema';

/** The VisibilityTimeout the app expects, and where that value came from (shown to people). */
export interface Expected {
  value: number;
  from: string;
  /** Where a person changes the expected value (for the next steps of a notification). */
  setting: string;
}

/** The expected timeout of one queue: configured, from its ECS source, or the app default. */
export async function expectedTimeout(
  spec: QueueSpec,
  deps: QueueDriftDeps,
  defaultCluster: string,
): Promise<Expected> {
  if (spec.expectedVisibilityTimeout !== undefined) {
    return {
      value: spec.expectedVisibilityTimeout,
      from: 'configured',
      setting: 'expectedVisibilityTimeout in the queueDrift configuration',
    };
  }
  if (!spec.source) {
    return {
      value: APP_DEFAULT_VISIBILITY_TIMEOUT,
      from: 'app default',
      setting: `${DEFAULT_ENV_VAR} in the app's task definition`,
    };
  }
  const cluster = spec.source.cluster ?? defaultCluster;
  const taskDefinition = await deps.ecs.currentTaskDefinition(cluster, spec.source.service);
  return expectedFromTaskDefinition(taskDefinition, spec.source);
}

/**
 * The expected timeout from a task definition: the named container's (or else the first
 * container setting it) environment variable, the app's default when no container sets it.
 * Throws a PermanentError-like `Error` when the named container is absent or the value is
 * not a number of seconds (a person must fix the configuration).
 */
export function expectedFromTaskDefinition(td: ServiceTaskDefinition, source: ExpectedSource): Expected {
  const label = td.taskDefinitionArn.split('/').pop() ?? td.taskDefinitionArn;
  let container = td.containers.find((c) => c.name === source.container);
  if (source.container && !container) {
    throw new ExpectedSourceError(
      `container ${source.container} is not in task definition ${label} of service ${source.service} ` +
        `(containers: ${td.containers.map((c) => c.name).join(', ') || 'none'})`,
    );
  }
  container ??= td.containers.find((c) => c.environment[source.envVar] !== undefined);
  const raw = container?.environment[source.envVar];
  const setting = `${source.envVar} in the task definition of service ${source.service}`;
  if (raw === undefined || raw.trim() === '') {
    return { value: source.default, from: `${source.envVar} unset in ${label}, app default`, setting };
  }
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < 0 || value > 43_200) {
    throw new ExpectedSourceError(
      `${source.envVar}=${JSON.stringify(raw)} in ${label} (container ${container?.name}) is not 0-43200 seconds`,
    );
  }
  return { value, from: `${source.envVar} in ${label}, container ${container?.name}`, setting };
}

/** A configuration problem in the expected-value source: permanent, reported as CheckFailed. */
export class ExpectedSourceError extends Error {
  override readonly name = 'ExpectedSourceError';
}
