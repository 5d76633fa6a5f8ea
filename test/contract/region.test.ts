/**
 * `serverless package` / `deploy` target the region the user asked for: `--region`, else
 * AWS_REGION (what the AWS CLI and SDKs use), else us-east-1. A user with AWS_REGION=eu-west-2
 * must not get a us-east-1 stack.
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html
 */
import { serverlessPrint } from '../helpers/serverless-print';

describe('provider.region', () => {
  it('follows AWS_REGION when no --region is given', () => {
    expect(serverlessPrint(['--stage', 'prod'], { AWS_REGION: 'eu-west-2' }).provider.region).toBe(
      'eu-west-2',
    );
  });

  it('takes --region over AWS_REGION', () => {
    expect(
      serverlessPrint(['--stage', 'prod', '--region', 'ap-southeast-2'], { AWS_REGION: 'eu-west-2' }).provider
        .region,
    ).toBe('ap-southeast-2');
  });

  it('defaults to us-east-1 when neither is set', () => {
    expect(serverlessPrint(['--stage', 'prod']).provider.region).toBe('us-east-1');
  });
});
