import type { PackagedTemplate } from '../../scripts/lib/packaged';

/** The packaged template for tests (the cache lives in scripts/lib/packaged.ts, shared with the bench). */
export {
  packagedArtifacts,
  packagedEnvironment,
  packagedTemplate,
  packagingDigest,
  serverlessEnv,
  withServerlessLock,
  type PackagedTemplate,
} from '../../scripts/lib/packaged';

export type Statement = Record<string, unknown> & { Sid?: string };

/** The statements of a role's inline policies in a packaged template. */
export function roleStatements(template: PackagedTemplate, role: string): Statement[] {
  const policies = (template.Resources[role]?.Properties?.Policies ?? []) as Array<{
    PolicyDocument: { Statement: Statement[] };
  }>;
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}
