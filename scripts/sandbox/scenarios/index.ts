import { dbIamUser } from './db-iam-user';
import { deepHealthcheck } from './deep-healthcheck';
import { deploymentGuard } from './deployment-guard';
import { healthAlarm } from './health-alarm';
import { queueDrift } from './queue-drift';
import { rotateSecretScenario } from './rotate-secret';
import { taskStopped } from './task-stopped';
import type { Scenario } from './types';

/** The seven functions, in the order of the report. */
export const SCENARIOS: Scenario[] = [
  queueDrift,
  deepHealthcheck,
  healthAlarm,
  taskStopped,
  deploymentGuard,
  dbIamUser,
  rotateSecretScenario,
];
