/**
 * Process-wide environment of the sandbox, applied before any function module is loaded: the
 * shared Powertools logger and metrics read these once, when first imported.
 * No AWS account is used: dummy credentials, and no EC2 metadata probing.
 */
const defaults: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  // The provider-level environment of serverless.yml for the local stage.
  STAGE: 'local',
  CLUSTER_NAME: 'django-app',
  DASHBOARD_URL: '',
  POWERTOOLS_SERVICE_NAME: 'ops-sentinel',
  POWERTOOLS_METRICS_NAMESPACE: 'OpsSentinel',
  SLS_TELEMETRY_DISABLED: '1',
};
for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;
// Dummy credentials always, whatever the shell holds: nothing the sandbox does may reach a real
// AWS account by accident (emulators accept any key).
process.env.AWS_ACCESS_KEY_ID = 'sandbox';
process.env.AWS_SECRET_ACCESS_KEY = 'sandbox';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
// The report is built from what the functions log and the metrics they emit (captured, not
// shown): both must be on, one JSON object per line (no pretty-printed dev logs).
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
delete process.env.POWERTOOLS_DEV;
delete process.env.POWERTOOLS_METRICS_DISABLED;

export {};
