import { validateTemplate } from '../../helpers/cfn-spec';
import {
  healthTargetResources,
  schedulePeriodSeconds,
  secretResources,
} from '../../../resources/lib/health-alarms';

const targets = [
  { name: 'web', url: 'https://app.example.com/ht/?format=json', token: { secretArn: 'prod/health-token' } },
  {
    name: 'admin',
    url: 'https://admin.example.com/ht/?format=json',
    alarm: { failing: 2, outOf: 3 },
    token: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin-health-Xy12Ab' },
  },
  { name: 'status-only', url: 'https://app.example.com/ping', format: 'status' },
];

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('healthTargetResources', () => {
  it('declares one TargetHealthy alarm per target, named for healthAlarm, missing data breaching', () => {
    const { Resources } = healthTargetResources(targets, 'prod', 'rate(1 minute)') as {
      Resources: Record<string, Resource>;
    };
    const alarms = Object.values(Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === 'TargetHealthy',
    );

    expect(alarms.map((a) => a.Properties.AlarmName)).toEqual([
      'ops-sentinel-prod-health-web',
      'ops-sentinel-prod-health-admin',
      'ops-sentinel-prod-health-status-only',
    ]);
    expect(alarms[1]!.Properties).toMatchObject({
      Namespace: 'OpsSentinel',
      MetricName: 'TargetHealthy',
      Dimensions: [{ Name: 'Target', Value: 'admin' }],
      Statistic: 'Minimum',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('warns before a certificate expires: an alarm per https:// target under alarm.certificateDays (default 14)', () => {
    const withHttp = [
      ...targets,
      { name: 'plain', url: 'http://10.0.0.5:8000/ht/' },
      { name: 'no-cert-alarm', url: 'https://x.example/ht/', alarm: { certificateDays: 0 } },
      { name: 'early', url: 'https://y.example/ht/', alarm: { certificateDays: 30 } },
    ];
    const { Resources } = healthTargetResources(withHttp, 'prod', 'rate(1 minute)') as {
      Resources: Record<string, Resource>;
    };
    const alarms = Object.values(Resources).filter((r) => r.Properties.MetricName === 'CertificateDaysLeft');

    expect(alarms.map((a) => [a.Properties.AlarmName, a.Properties.Threshold])).toEqual([
      ['ops-sentinel-prod-certificate-web', 14],
      ['ops-sentinel-prod-certificate-admin', 14],
      ['ops-sentinel-prod-certificate-status-only', 14],
      ['ops-sentinel-prod-certificate-early', 30],
    ]);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: 'OpsSentinel',
      Dimensions: [{ Name: 'Target', Value: 'web' }],
      Statistic: 'Minimum',
      Period: 3600,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      // An unreachable target sends no CertificateDaysLeft: that must not look like a renewal.
      TreatMissingData: 'ignore',
    });
    expect(alarms[0]!.Properties.AlarmDescription).toBe(
      'deepHealthcheck: the TLS certificate of web (app.example.com) has fewer than 14 days left.',
    );
  });

  it('declares a degraded alarm (TargetDegraded) for django-health-check targets only', () => {
    const { Resources } = healthTargetResources(targets, 'prod', 'rate(1 minute)') as {
      Resources: Record<string, Resource>;
    };
    const alarms = Object.values(Resources).filter((r) => r.Properties.MetricName === 'TargetDegraded');

    expect(alarms.map((a) => a.Properties.AlarmName)).toEqual([
      'ops-sentinel-prod-degraded-web',
      'ops-sentinel-prod-degraded-admin',
    ]);
    expect(alarms[1]!.Properties).toMatchObject({
      Statistic: 'Maximum',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('lets deepHealthcheck and healthAlarm read exactly the token secrets of the targets', () => {
    const { Resources } = healthTargetResources(targets, 'prod', 'rate(1 minute)') as {
      Resources: Record<string, Resource>;
    };

    expect(Resources.DeepHealthcheckTokenPolicy!.Properties).toEqual({
      PolicyName: 'deep-healthcheck-tokens',
      Roles: [{ Ref: 'DeepHealthcheckRole' }, { Ref: 'HealthAlarmRole' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadTargetTokens',
            Effect: 'Allow',
            Action: 'secretsmanager:GetSecretValue',
            Resource: [
              {
                'Fn::Sub':
                  'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/health-token-??????',
              },
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin-health-Xy12Ab',
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:admin-health-Xy12Ab-??????',
            ],
          },
        ],
      },
    });
  });

  it('grants no secret at all when no target has a token, and nothing for an empty list', () => {
    expect(Object.keys(healthTargetResources([targets[2]], 'dev', 'rate(1 minute)').Resources)).toEqual([
      expect.stringMatching(/^DeepHealthAlarmStatusOnly[0-9a-f]{6}$/),
      expect.stringMatching(/^DeepHealthCertificateAlarmStatusOnly[0-9a-f]{6}$/),
    ]);
    expect(healthTargetResources([], 'dev', 'rate(1 minute)')).toEqual({ Resources: {} });
  });

  it('fails packaging with the path of an invalid target', () => {
    expect(() => healthTargetResources([{ name: 'web', url: 'not a url' }], 'dev', 'rate(1 minute)')).toThrow(
      /params.healthTargets is invalid at 0.url/,
    );
  });

  it('gives names that clean up alike distinct logical ids', () => {
    const ids = Object.keys(
      healthTargetResources(
        [
          { name: 'web-1', url: 'https://a.example/' },
          { name: 'web1', url: 'https://b.example/' },
        ],
        'dev',
        'rate(1 minute)',
      ).Resources,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(6);
  });
});

describe('schedulePeriodSeconds', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['cron(0/2 * * * ? *)', 60],
  ])('%s → %i s per alarm period', (schedule, seconds) => {
    expect(schedulePeriodSeconds(schedule)).toBe(seconds);
  });
});

describe('secretResources', () => {
  it('adds the 6-character suffix Secrets Manager appends to a secret name', () => {
    expect(secretResources('prod/x')).toEqual([
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/x-??????',
      },
    ]);
  });
});

describe('generated resources against the CloudFormation spec', () => {
  it('are valid resources with valid properties and references', () => {
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] } },
    };
    const { Resources } = healthTargetResources(targets, 'prod', 'rate(1 minute)');

    const errors = validateTemplate({
      Resources: { ...Resources, DeepHealthcheckRole: role, HealthAlarmRole: role },
    });

    expect(errors).toEqual([]);
  });
});
