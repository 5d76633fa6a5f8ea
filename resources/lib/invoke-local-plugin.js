'use strict';
// Local Serverless plugin: `serverless invoke local` on any stage. Before osls reads the
// environment, CloudFormation intrinsics in it (NOTIFY_TOPIC_ARN, DASHBOARD_URL, the state
// tables) are resolved against the deployed stack, or set to '' when it is not deployed (console
// notifier, in-memory stores), saying so: see invoke-local.ts.
const loadTs = require('./load-ts');

class InvokeLocalPlugin {
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = (utils && utils.log) || console;
    this.hooks = { initialize: () => this.prepare() };
  }

  async prepare() {
    const commands = (this.serverless.processedInput && this.serverless.processedInput.commands) || [];
    if (commands[0] !== 'invoke' || commands[1] !== 'local') return;
    const service = this.serverless.service;
    const fn = this.options.function && service.functions && service.functions[this.options.function];
    const envs = [service.provider.environment, fn && fn.environment].filter(Boolean);
    const { localEnvironment } = loadTs('resources/lib/invoke-local.ts');
    const provider = this.serverless.getProvider('aws');
    const region = provider.getRegion();
    const probe = localEnvironment(Object.assign({}, ...envs), { region });
    if (probe.emptied.length === 0) return;

    const stack = await this.deployedStack(provider, region);
    const emptied = new Set();
    for (const env of envs) {
      const local = localEnvironment(env, { region, stack });
      Object.assign(env, local.environment);
      local.emptied.forEach((name) => emptied.add(name));
    }
    if (emptied.size > 0) {
      this.log.warning(
        `invoke local: ${[...emptied].join(', ')} set to '' ` +
          (stack
            ? '(not resolvable from the deployed stack)'
            : `(stack ${provider.naming.getStackName()} is not deployed in ${region} or not readable)`) +
          ': notifications print to the console, stores are in memory',
      );
    }
  }

  /** The deployed stack's resources, or undefined when there is none (one quick attempt). */
  async deployedStack(provider, region) {
    const {
      CloudFormationClient,
      ListStackResourcesCommand,
      DescribeStacksCommand,
    } = require('@aws-sdk/client-cloudformation');
    const stackName = provider.naming.getStackName();
    const client = new CloudFormationClient({
      region,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 3000, requestTimeout: 5000 },
    });
    try {
      const described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
      const stackId = (described.Stacks && described.Stacks[0] && described.Stacks[0].StackId) || '';
      const resources = {};
      let NextToken;
      do {
        const out = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
        for (const r of out.StackResourceSummaries || [])
          resources[r.LogicalResourceId] = r.PhysicalResourceId;
        NextToken = out.NextToken;
      } while (NextToken);
      return { resources, stackName, accountId: stackId.split(':')[4] || undefined };
    } catch {
      return undefined;
    } finally {
      client.destroy();
    }
  }
}

module.exports = InvokeLocalPlugin;
