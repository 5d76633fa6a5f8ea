/**
 * dbIamUser's IAM in the packaged CloudFormation (`serverless package --stage prod`, offline): the
 * master secrets it reads, and the RDS-managed secret lookup (DescribeSecret for the
 * aws:rds:primaryDB…Arn tag, then Describe… of that one instance or cluster).
 */
import { packagedTemplate, type PackagedTemplate, roleStatements } from '../../helpers/packaged-template';

let template: PackagedTemplate;

beforeAll(() => {
  template = packagedTemplate('prod');
}, 600_000);

const statements = () => roleStatements(template, 'DbIamUserRole');
const bySid = (sid: string) => statements().find((s) => s.Sid === sid);

describe('dbIamUser in the prod template', () => {
  it('reads and describes only the master secrets of its param; Secrets Manager nothing else', () => {
    const read = bySid('ReadMasterSecrets');
    expect(read).toMatchObject({
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    });
    expect(JSON.stringify(read!.Resource)).toContain(':secret:rds!*');
    expect(read!.Resource).not.toEqual('*');
    const smActions = statements()
      .flatMap((s) => [s.Action].flat())
      .filter((a) => String(a).startsWith('secretsmanager:'));
    expect(smActions.sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  it('describes RDS instances/clusters of this account and region only, and no other RDS action', () => {
    expect(bySid('FindManagedSecretEndpoint')).toEqual({
      Sid: 'FindManagedSecretEndpoint',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
      Resource: [
        { 'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:db:*' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:*' },
      ],
    });
    const rdsStatements = statements().filter((s) =>
      [s.Action].flat().some((a) => String(a).startsWith('rds:')),
    );
    expect(rdsStatements).toHaveLength(1);
  });
});
