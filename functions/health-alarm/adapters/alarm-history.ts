import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudWatch } from '../../../shared/aws/commands/cloudwatch';
import { toOpsError } from '../../../shared/errors';
import type { AlarmState } from '../schema';
import type { AlarmHistoryPort, StateTransition } from '../ports';

const STATES = new Set<string>(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const asState = (v: unknown): AlarmState | undefined =>
  typeof v === 'string' && STATES.has(v) ? (v as AlarmState) : undefined;

/** Old and new state of a StateUpdate item: its HistoryData JSON, else the summary text. */
function statesOf(
  historyData: string | undefined,
  summary: string | undefined,
): { from?: AlarmState; to?: AlarmState } {
  if (historyData) {
    try {
      const parsed = JSON.parse(historyData) as {
        oldState?: { stateValue?: unknown };
        newState?: { stateValue?: unknown };
      };
      const to = asState(parsed.newState?.stateValue);
      if (to) return { from: asState(parsed.oldState?.stateValue), to };
    } catch {
      // fall through to the summary text: "Alarm updated from OK to ALARM"
    }
  }
  const m = summary?.match(/from (OK|ALARM|INSUFFICIENT_DATA) to (OK|ALARM|INSUFFICIENT_DATA)\b/);
  if (m) return { from: asState(m[1]), to: asState(m[2]) };
  return { to: asState(summary?.match(/ to (OK|ALARM|INSUFFICIENT_DATA)\b/)?.[1]) };
}

function newStateOf(historyData: string | undefined, summary: string | undefined): string | undefined {
  return statesOf(historyData, summary).to;
}

/** DescribeAlarmHistory: when the alarm last entered a state (SNS messages do not say). */
export function cloudWatchAlarmHistory(client: CloudWatchClient): AlarmHistoryPort {
  const history = async (alarmName: string, before: Date, signal: AbortSignal) => {
    try {
      const out = await client.send(
        new cloudWatch.DescribeAlarmHistoryCommand({
          AlarmName: alarmName,
          HistoryItemType: 'StateUpdate',
          EndDate: before,
          ScanBy: 'TimestampDescending',
          MaxRecords: 20,
        }),
        { abortSignal: signal },
      );
      return out.AlarmHistoryItems ?? [];
    } catch (error) {
      throw toOpsError(`cloudwatch:DescribeAlarmHistory ${alarmName}`, error);
    }
  };
  return {
    async recentTransitions(alarmName, before, signal) {
      const transitions: StateTransition[] = [];
      for (const item of await history(alarmName, before, signal)) {
        if (!item.Timestamp || item.Timestamp.getTime() > before.getTime()) continue;
        const { from, to } = statesOf(item.HistoryData, item.HistorySummary);
        if (to) transitions.push({ at: item.Timestamp.toISOString(), ...(from ? { from } : {}), to });
      }
      return transitions.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    },
    async lastEnteredState(alarmName, state, before, signal) {
      const item = (await history(alarmName, before, signal)).find(
        (i) =>
          i.Timestamp &&
          i.Timestamp.getTime() <= before.getTime() &&
          newStateOf(i.HistoryData, i.HistorySummary) === state,
      );
      return item?.Timestamp?.toISOString();
    },
  };
}
