/**
 * Prices used by the cost figures, in one place, with their source (us-east-1, on-demand,
 * as published on the AWS pricing pages; check them before quoting).
 */
export const PRICES = {
  /** AWS Lambda, Arm: $0.0000133334 per GB-second (aws.amazon.com/lambda/pricing, first 6B GB-s tier). */
  lambdaArmPerGbSecond: 0.0000133334,
  /** AWS Lambda: $0.20 per 1M requests. */
  lambdaPerRequest: 0.2 / 1_000_000,
  /** CloudWatch custom metric (EMF creates them): $0.30 per metric per month (first 10k). */
  customMetricPerMonth: 0.3,
  /** CloudWatch standard-resolution alarm: $0.10 per alarm metric per month. */
  alarmPerMonth: 0.1,
  /** CloudWatch Synthetics: $0.0012 per canary run (aws.amazon.com/cloudwatch/pricing). */
  syntheticsPerRun: 0.0012,
  /** Route 53 health check, AWS endpoint: $0.50/month; each optional feature (HTTPS, string match, fast interval) $1.00. */
  route53BasicPerMonth: 0.5,
  route53OptionalFeaturePerMonth: 1.0,
} as const;

export const MINUTES_PER_MONTH = 60 * 24 * 30;

/** Monthly Lambda cost of a function invoked `perMonth` times for `durationMs` each at `memoryMb`. */
export function lambdaMonthlyCost(durationMs: number, memoryMb: number, perMonth: number): number {
  // Lambda bills duration rounded up to the millisecond.
  const gbSeconds = (Math.ceil(durationMs) / 1000) * (memoryMb / 1024) * perMonth;
  return gbSeconds * PRICES.lambdaArmPerGbSecond + perMonth * PRICES.lambdaPerRequest;
}
