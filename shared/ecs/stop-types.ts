/**
 * The contract of the stopped-task classifier (implemented in `classify-stop.ts`), shared by
 * taskStopped, healthAlarm and deploymentGuard so all three explain a stop the same way.
 */
export const STOP_CATEGORIES = [
  'elb-health-check',
  'container-health-check',
  'out-of-memory',
  'essential-exit',
  'image-pull',
  'secrets-init',
  'failed-to-start',
  'spot-interruption',
  'infrastructure',
  'user-stop',
  'deployment-replacement',
  'scale-in',
  'unknown',
] as const;

export type StopCategory = (typeof STOP_CATEGORIES)[number];

/** The facts a classifier reads; every field may be missing in a real event. */
export interface StoppedTaskFacts {
  stopCode?: string | null;
  stoppedReason?: string | null;
  group?: string | null;
  startedBy?: string | null;
  taskDefinitionArn?: string | null;
  /** Task-level memory (MiB, as a string in ECS events). */
  memory?: string | number | null;
  containers?: Array<{
    name?: string | null;
    exitCode?: number | null;
    reason?: string | null;
    lastStatus?: string | null;
    /** Container memory limit (MiB) when known. */
    memory?: string | number | null;
  }> | null;
}

export interface StopClassification {
  category: StopCategory;
  /** Routine stops (deployment replacement, scale-in, user stop) are not incidents. */
  routine: boolean;
  /** A short phrase: "killed by ELB health checks". */
  headline: string;
  /** Plain explanation a person can act on. */
  explanation: string;
  nextSteps: string[];
  /** Specifics pulled out of the event, when present. */
  evidence: {
    targetGroup?: string;
    container?: string;
    exitCode?: number;
    exitMeaning?: string;
    memoryLimitMiB?: number;
    secret?: string;
    rawReason?: string;
  };
}
