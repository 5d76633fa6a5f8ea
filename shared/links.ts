/** Console links that make a notification one click from the evidence. */
/**
 * `encodeURIComponent` throws on a lone UTF-16 surrogate, which any name taken from an event can
 * contain: replace those with U+FFFD first so building a link can never fail.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const enc = (value: string): string => encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD'));

function consoleBase(region: string): string {
  return `https://${region}.console.aws.amazon.com`;
}

export function ecsServiceUrl(region: string, cluster: string, service: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${enc(cluster)}/services/${enc(service)}/health?region=${region}`;
}

export function ecsServiceDeploymentsUrl(region: string, cluster: string, service: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${enc(cluster)}/services/${enc(service)}/deployments?region=${region}`;
}

export function ecsTaskUrl(region: string, cluster: string, taskId: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}/configuration?region=${region}`;
}

export function ecsTaskLogsUrl(region: string, cluster: string, taskId: string): string {
  return `${consoleBase(region)}/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}/logs?region=${region}`;
}

export function alarmUrl(region: string, alarmName: string): string {
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${enc(alarmName)}`;
}

export function dashboardUrl(region: string, dashboardName: string): string {
  return `${consoleBase(region)}/cloudwatch/home?region=${region}#dashboards/dashboard/${enc(dashboardName)}`;
}

export function targetGroupUrl(region: string, targetGroupArn: string): string {
  return `${consoleBase(region)}/ec2/home?region=${region}#TargetGroup:targetGroupArn=${targetGroupArn}`;
}

export function sqsQueueUrl(region: string, queueUrl: string): string {
  return `${consoleBase(region)}/sqs/v3/home?region=${region}#/queues/${enc(queueUrl)}`;
}

export function secretUrl(region: string, secretName: string): string {
  return `${consoleBase(region)}/secretsmanager/secret?name=${enc(secretName)}&region=${region}`;
}

export function stackUrl(region: string, stackId: string): string {
  return `${consoleBase(region)}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${enc(stackId)}`;
}
