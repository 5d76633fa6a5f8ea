/**
 * The stage params vpcId + s3GatewayEndpointRouteTableIds create the free S3 gateway endpoint
 * dbIamUser needs to answer CloudFormation from private subnets (the ResponseURL is an S3
 * pre-signed URL: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html;
 * gateway endpoints: https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).
 * The local stage sets example ids; prod sets none.
 */
import { packagedTemplate } from '../../helpers/packaged-template';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const network = require('../../../resources/lib/network.js') as {
  s3GatewayEndpointResources(vpcId: unknown, routeTableIds: unknown): Record<string, unknown>;
};

describe('S3 gateway endpoint (stage params)', () => {
  it('the packaged template has the endpoint for the given route tables when the stage sets them', () => {
    const template = packagedTemplate('local');
    expect(template.Resources.S3GatewayEndpoint).toEqual({
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: {
        VpcEndpointType: 'Gateway',
        VpcId: 'vpc-0a1b2c3d4e5f60718',
        ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
        RouteTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0a1b2c3d4e5f60719'],
      },
    });
  }, 320_000);

  it('no endpoint when the stage sets no route tables (the default)', () => {
    const template = packagedTemplate('prod');
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::EC2::VPCEndpoint')).toEqual([]);
  }, 320_000);

  it('accepts a comma-separated list (--param) and refuses route tables without a VPC', () => {
    expect(network.s3GatewayEndpointResources('vpc-1', 'rtb-1, rtb-2')).toMatchObject({
      Resources: { S3GatewayEndpoint: { Properties: { RouteTableIds: ['rtb-1', 'rtb-2'] } } },
    });
    expect(network.s3GatewayEndpointResources('', [])).toEqual({});
    expect(network.s3GatewayEndpointResources(undefined, undefined)).toEqual({});
    expect(() => network.s3GatewayEndpointResources('', ['rtb-1'])).toThrow(
      /s3GatewayEndpointRouteTableIds is set but vpcId is not/,
    );
  });
});
