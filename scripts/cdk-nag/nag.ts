/**
 * cdk-nag over a packaged CloudFormation template, offline: the template is loaded into a CDK
 * stack with CfnInclude and the AwsSolutions, Serverless and NIST 800-53 R5 packs check each
 * resource. Findings are then matched against the reviewed suppressions (./suppressions.ts).
 */
import { App, Stack } from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, NIST80053R5Checks, ServerlessChecks } from 'cdk-nag';

export const PACKS = ['AwsSolutions', 'Serverless', 'NIST.800.53.R5'] as const;

export interface Finding {
  stage: string;
  /** As cdk-nag names it, e.g. `AwsSolutions-SNS3` or `AwsSolutions-IAM5[Resource::*]`. */
  rule: string;
  /** Logical ID in the template. */
  resource: string;
  description: string;
}

export interface Suppression {
  /** A cdk-nag rule name; `{stage}` stands for the stage name. */
  rule: string;
  /** Logical IDs this reason holds for (`{stage}` as in `rule`). */
  resources: string[];
  reason: string;
}

/** Every finding of the three packs over one template file. */
export function nagTemplate(stage: string, templateFile: string): Finding[] {
  const app = new App();
  const stack = new Stack(app, `ops-sentinel-${stage}`);
  new CfnInclude(stack, 'Template', { templateFile });
  const findings: Finding[] = [];
  for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks(), new NIST80053R5Checks()]) {
    for (const violation of pack.validateScope(stack).violations) {
      for (const where of violation.violatingResources) {
        const resource = (where as { constructPath?: string }).constructPath?.split('/').pop() ?? '?';
        findings.push({ stage, rule: violation.ruleName, resource, description: violation.description });
      }
    }
  }
  return findings;
}

export interface Verdict {
  suppressed: Array<Finding & { reason: string }>;
  /** Findings no suppression covers: the build fails. */
  unsuppressed: Finding[];
  /** `rule resource` pairs of the suppressions that matched no finding in any stage: the build fails. */
  unused: string[];
}

export function judge(findings: Finding[], suppressions: Suppression[]): Verdict {
  const used = new Set<string>();
  const verdict: Verdict = { suppressed: [], unsuppressed: [], unused: [] };
  for (const f of findings) {
    const forStage = (text: string) => text.replaceAll('{stage}', f.stage);
    const match = suppressions.find(
      (s) => forStage(s.rule) === f.rule && s.resources.some((r) => forStage(r) === f.resource),
    );
    if (!match) {
      verdict.unsuppressed.push(f);
      continue;
    }
    used.add(`${match.rule} ${match.resources.find((r) => forStage(r) === f.resource)}`);
    verdict.suppressed.push({ ...f, reason: match.reason });
  }
  for (const s of suppressions) {
    if (!s.reason.trim()) verdict.unused.push(`${s.rule}: no reason given`);
    for (const r of s.resources) if (!used.has(`${s.rule} ${r}`)) verdict.unused.push(`${s.rule} ${r}`);
  }
  return verdict;
}
