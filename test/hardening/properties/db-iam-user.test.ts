/**
 * dbIamUser (Custom::DbIamUser): 1,000 malformed or unusual CloudFormation events through
 * handleEvent (the handler minus the middy wiring). An event with somewhere to answer gets
 * exactly one response with a specific reason; one without fails the invocation with an
 * InvalidEventError (it ends in the dead-letter queue).
 */
import fc from 'fast-check';
import { invocationPorts } from '../../../functions/db-iam-user/adapters';
import { cfnResponder } from '../../../functions/db-iam-user/adapters/cfn-response';
import { handleEvent, type InvocationDeps } from '../../../functions/db-iam-user/custom-resource';
import { authMethod } from '../../../functions/db-iam-user/dialects/mysql';
import { malformedEvents, nastyString, samples } from '../../helpers/hardening/events';
import { assertEventsHandled } from '../../helpers/hardening/property';
import { MARIADB_AUTH_CLAUSE } from '../../helpers/db-iam-user/databases';
import { lambdaContext } from '../../../local/lambda-context';

/** The database is down: every connection is refused at once. */
const deps: InvocationDeps = {
  ...invocationPorts(),
  credentials: { get: async () => ({ username: 'postgres', password: 'do-not-print-me' }) },
  endpoints: { endpointForSecret: async () => undefined },
  connect: async (options) => {
    throw Object.assign(new Error(`connect ECONNREFUSED ${options.host}:${options.port}`), {
      code: 'ECONNREFUSED',
    });
  },
  mysqlAuth: authMethod(MARIADB_AUTH_CLAUSE),
};

it('answers CloudFormation once for every malformed or unusual event it can answer (1,000 cases)', async () => {
  const bodies: string[] = [];
  const put = async (_url: string, body: string) => {
    bodies.push(body);
    return 200;
  };
  const bases = samples('db-iam-user').map((s) => s.event);
  const create = bases.find((b) => b.RequestType === 'Create')!;
  const extra = [
    // A valid envelope with hostile identifiers and unknown enum values in the properties.
    fc
      .record({
        Engine: fc.oneof(nastyString, fc.constantFrom('postgres', 'mysql', 'mariadb', 'oracle')),
        Username: nastyString,
        Database: nastyString,
        Privileges: fc.oneof(nastyString, fc.array(nastyString, { maxLength: 3 })),
        Ssl: fc.oneof(nastyString, fc.constantFrom('disable', 'verify-full')),
        RequestType: fc.constantFrom('Create', 'Update', 'Delete', 'Replace'),
        PhysicalResourceId: fc.oneof(
          nastyString,
          fc.constant('dbiamuser:v1:postgres:127.0.0.1:5432:test:hard_x'),
        ),
      })
      .map(({ RequestType, PhysicalResourceId, ...props }) => ({
        ...create,
        RequestType,
        PhysicalResourceId,
        ResourceProperties: { ...(create.ResourceProperties as object), ...props },
      })),
  ];
  const run = await assertEventsHandled(
    {
      fn: 'dbIamUser',
      invoke: async (event) => {
        const before = bodies.length;
        const result = await handleEvent(
          event,
          lambdaContext({ deadline: Date.now() + 30_000 }),
          { ...deps, respond: cfnResponder({ put, sleep: async () => undefined }) },
          {
            dryRun: false,
            marginMs: 5_000,
          },
        );
        // A returned invocation must have answered CloudFormation exactly once.
        if (bodies.length !== before + 1)
          throw new Error(`${bodies.length - before} responses sent, expected 1`);
        const body = JSON.parse(bodies[bodies.length - 1]!) as { Status: string; Reason: string };
        if (body.Status !== 'SUCCESS' && body.Reason.trim().length < 12)
          throw new Error(`unspecific reason: ${body.Reason}`);
        return result;
      },
      notifications: () => bodies,
      isSkip: () => false,
    },
    malformedEvents(bases, extra),
    { numRuns: 1000 },
  );
  expect(run.tried).toBeGreaterThanOrEqual(1000);
  expect(bodies.length).toBeGreaterThan(100);
});
