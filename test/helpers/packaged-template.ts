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
