import { DescribeAlarmHistoryCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { toOpsError } from '../../../shared/errors';
import type { AlarmHistoryPort } from '../ports';

function newStateOf(historyData: string | undefined, summary: string | undefined): string | undefined {
  if (historyData) {
    try {
      const parsed = JSON.parse(historyData) as { newState?: { stateValue?: unknown } };
      if (typeof parsed.newState?.stateValue === 'string') return parsed.newState.stateValue;
    } catch {
      // fall through to the summary text: "Alarm updated from OK to ALARM"
    }
  }
  return summary?.match(/ to (OK|ALARM|INSUFFICIENT_DATA)\b/)?.[1];
}

/** DescribeAlarmHistory: when the alarm last entered a state (SNS messages do not say). */
export function cloudWatchAlarmHistory(client: CloudWatchClient): AlarmHistoryPort {
  return {
    async lastEnteredState(alarmName, state, before, signal) {
      try {
        const out = await client.send(
          new DescribeAlarmHistoryCommand({
            AlarmName: alarmName,
            HistoryItemType: 'StateUpdate',
            EndDate: before,
            ScanBy: 'TimestampDescending',
            MaxRecords: 20,
          }),
          { abortSignal: signal },
        );
        const item = (out.AlarmHistoryItems ?? []).find(
          (i) =>
            i.Timestamp &&
            i.Timestamp.getTime() <= before.getTime() &&
            newStateOf(i.HistoryData, i.HistorySummary) === state,
        );
        return item?.Timestamp?.toISOString();
      } catch (error) {
        throw toOpsError(`cloudwatch:DescribeAlarmHistory ${alarmName}`, error);
      }
    },
  };
}
