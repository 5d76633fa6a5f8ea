// Tests never reach AWS: dummy credentials, a fixed region, no telemetry, quiet logs.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.SLS_TELEMETRY_DISABLED = '1';
// DEBUG so the secret-leak scan sees every log line; the scan keeps console output quiet.
process.env.POWERTOOLS_LOG_LEVEL ??= 'DEBUG';
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
