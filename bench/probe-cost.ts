/**
 * The deep healthcheck's own overhead beyond the target's latency, measured against a local
 * server that answers in the django-health-check format, and its monthly cost per target.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { probeTarget } from '../shared/health/probe';
import { HealthTargetSchema } from '../shared/health/target';
import { lambdaMonthlyCost, MINUTES_PER_MONTH, PRICES } from './pricing';
import { median, round } from './stats';

const BODY = JSON.stringify({
  DatabaseBackend: 'working',
  'Cache backend: default': 'working',
  DefaultFileStorageHealthCheck: 'working',
  MigrationsHealthCheck: 'working',
});

function startTarget(delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(BODY);
    }, delayMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/ht/?format=json`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}

function rawGet(url: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - t0));
      })
      .on('error', reject);
  });
}

function memoryOf(functionFolder: string): number {
  const yml = readFileSync(
    path.resolve(__dirname, '..', 'functions', functionFolder, 'function.yml'),
    'utf8',
  );
  return Number(yml.match(/memorySize:\s*(\d+)/)?.[1] ?? 256);
}

export async function measureProbeCost(runs: number) {
  const rows: Array<Record<string, string | number>> = [];
  let probeMs = 0;
  for (const delay of [0, 50]) {
    const target = await startTarget(delay);
    const parsed = HealthTargetSchema.parse({
      name: 'bench',
      url: target.url,
      format: 'django-health-check',
    });
    await probeTarget(parsed);
    await rawGet(target.url);
    const raw: number[] = [];
    const probe: number[] = [];
    for (let i = 0; i < runs; i++) {
      raw.push(await rawGet(target.url));
      const t0 = performance.now();
      const result = await probeTarget(parsed);
      probe.push(performance.now() - t0);
      if (!result.healthy) throw new Error(`bench target unhealthy: ${result.detail}`);
    }
    await target.close();
    const overhead = median(probe) - median(raw);
    probeMs = Math.max(probeMs, median(probe));
    rows.push({
      'target latency': `${delay} ms`,
      'plain GET (median ms)': round(median(raw), 2),
      'probe (median ms)': round(median(probe), 2),
      'probe overhead (ms)': round(overhead, 2),
    });
  }

  const memoryMb = memoryOf('deep-healthcheck');
  const perMonth = MINUTES_PER_MONTH; // rate(1 minute)
  // Billed duration: the probe of a healthy target plus a generous 20 ms for handler work and EMF output.
  const billedMs = Math.ceil(probeMs + 20);
  const lambda = lambdaMonthlyCost(billedMs, memoryMb, perMonth);
  const components = 4;
  // healthy, degraded, latency, certificate days + one per component
  const metricsPerTarget = 4 + components;
  const metricCost = metricsPerTarget * PRICES.customMetricPerMonth;
  const cost = [
    {
      option: `ops-sentinel deepHealthcheck, Lambda only (${memoryMb} MB arm64, ${billedMs} ms, every minute)`,
      'USD / month / target': round(lambda, 3),
    },
    {
      option: `ops-sentinel incl. ${metricsPerTarget} custom metrics + 3 alarms (down, degraded, certificate; what CloudWatch bills)`,
      'USD / month / target': round(lambda + metricCost + 3 * PRICES.alarmPerMonth, 2),
    },
    {
      option: 'CloudWatch Synthetics canary, every minute',
      'USD / month / target': round(PRICES.syntheticsPerRun * perMonth, 2),
    },
    {
      option: 'Route 53 health check, HTTPS + string match (no component detail)',
      'USD / month / target': round(
        PRICES.route53BasicPerMonth + 2 * PRICES.route53OptionalFeaturePerMonth,
        2,
      ),
    },
  ];
  return { overhead: rows, cost, memoryMb, billedMs };
}
