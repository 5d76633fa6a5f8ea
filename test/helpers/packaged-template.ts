/** The packaged template for tests (the cache lives in scripts/lib/packaged.ts, shared with the bench). */
export {
  packagedArtifacts,
  packagedTemplate,
  packagingDigest,
  withServerlessLock,
  type PackagedTemplate,
} from '../../scripts/lib/packaged';
