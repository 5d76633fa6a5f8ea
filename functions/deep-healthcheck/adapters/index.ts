import { clientConfig } from '../../../shared/aws/client-config';
import { secretsManagerClient } from '../../../shared/aws/lazy';
import { probeTarget } from '../../../shared/health/probe';
import { secretsManagerTokenSource } from '../../../shared/health/token';
import { logPort } from '../../../shared/powertools';
import type { DeepHealthcheckDeps } from '../ports';
import type { DeepHealthcheckConfig } from '../schema';
import { resultReporter } from './report';

/** Built once per container: the token cache survives between invocations of a warm environment. */
export function buildDeps(config: DeepHealthcheckConfig): DeepHealthcheckDeps {
  return {
    probe: probeTarget,
    tokens: secretsManagerTokenSource(secretsManagerClient(clientConfig({ maxAttempts: 2 })), {
      ttlMs: config.TOKEN_CACHE_SECONDS * 1000,
    }),
    report: resultReporter(logPort),
    log: logPort,
    now: Date.now,
  };
}
