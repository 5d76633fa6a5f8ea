'use strict';
// The free S3 gateway VPC endpoint for the route tables of the functions' private subnets, when
// the stage asks for it (params vpcId + s3GatewayEndpointRouteTableIds). dbIamUser answers
// CloudFormation by PUT to an S3 pre-signed ResponseURL: without this endpoint (or a NAT gateway)
// the answer never leaves the VPC and the stack waits up to an hour. Gateway endpoints cost
// nothing: https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
//   resources:  ${file(./resources/lib/network.js):s3GatewayEndpoint}

/** A list param given in serverless.yml (array) or with --param (comma-separated string). */
function asList(value) {
  if (Array.isArray(value)) return value.filter(Boolean);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}

/** The resources fragment: the endpoint, or nothing when no route table is given. */
function s3GatewayEndpointResources(vpcId, routeTableIds) {
  const tables = asList(routeTableIds);
  if (tables.length === 0) return {};
  if (!vpcId) {
    throw new Error(
      's3GatewayEndpointRouteTableIds is set but vpcId is not: the S3 gateway endpoint needs the VPC of those route tables',
    );
  }
  return {
    Resources: {
      S3GatewayEndpoint: {
        Type: 'AWS::EC2::VPCEndpoint',
        Properties: {
          VpcEndpointType: 'Gateway',
          VpcId: vpcId,
          ServiceName: { 'Fn::Sub': 'com.amazonaws.${AWS::Region}.s3' },
          RouteTableIds: tables,
        },
      },
    },
    Outputs: {
      S3GatewayEndpointId: {
        Description: 'S3 gateway endpoint: lets dbIamUser answer CloudFormation from private subnets',
        Value: { Ref: 'S3GatewayEndpoint' },
      },
    },
  };
}

module.exports = {
  s3GatewayEndpointResources,
  s3GatewayEndpoint: async ({ resolveVariable }) =>
    s3GatewayEndpointResources(
      await resolveVariable('param:vpcId'),
      await resolveVariable('param:s3GatewayEndpointRouteTableIds'),
    ),
};
