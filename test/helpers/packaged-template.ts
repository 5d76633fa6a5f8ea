/** The packaged template for tests (the cache lives in scripts/lib/packaged.ts, shared with the bench). */
export {
  packagedArtifacts,
  packagedEnvironment,
  packagedTemplate,
  packagingDigest,
  withServerlessLock,
  type PackagedTemplate,
} from '../../scripts/lib/packaged';
