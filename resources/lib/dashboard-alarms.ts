/** Fills the dashboard's alarm-status widget with every alarm in the compiled template. */
type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Alarm names (plain strings or `Fn::Sub` strings) of every AWS::CloudWatch::Alarm, sorted. */
export function alarmNamesInTemplate(template: Template): string[] {
  const names: string[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const name = r.Properties?.AlarmName;
    if (typeof name === 'string') names.push(name);
    else if (name && typeof (name as { 'Fn::Sub'?: unknown })['Fn::Sub'] === 'string')
      names.push((name as { 'Fn::Sub': string })['Fn::Sub']);
    else throw new Error(`Alarm ${id} needs a literal AlarmName so the dashboard can list it`);
  }
  return names.sort();
}

/** Returns the dashboard body (`{ 'Fn::Sub': json }`) with the alarm widget listing `alarmNames`. */
export function withAlarms(body: { 'Fn::Sub': string }, alarmNames: string[]): { 'Fn::Sub': string } {
  const parsed = JSON.parse(body['Fn::Sub']) as {
    widgets: Array<{ type: string; properties: Record<string, unknown> }>;
  };
  const widget = parsed.widgets.find((w) => w.type === 'alarm');
  if (!widget) throw new Error('the dashboard has no alarm widget');
  // The alarm widget shows at most 100 alarms.
  widget.properties.alarms = alarmNames
    .slice(0, 100)
    .map((n) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${n}`);
  return { 'Fn::Sub': JSON.stringify(parsed) };
}
