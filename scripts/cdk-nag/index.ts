/**
 * `npm run nag`: cdk-nag over the packaged template of every stage in serverless.yml. Fails
 * (exit 1) on a finding that scripts/cdk-nag/suppressions.ts does not suppress, and on a
 * suppression that no longer matches a finding. No AWS account: packaging and checks are offline.
 * Each stage is packaged once, by the test helper, whose cached template the tests then reuse.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packagedTemplate } from '../lib/packaged';
import { judge, nagTemplate, PACKS, type Finding } from './nag';
import { suppressions } from './suppressions';

const ROOT = path.resolve(__dirname, '../..');

/** The stages serverless.yml declares: the keys of `params:` other than `default`. */
export function declaredStages(serverlessYml: string): string[] {
  const block = /^params:\n((?:[ #].*\n|\n)*)/m.exec(serverlessYml)?.[1] ?? '';
  return [...block.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]!).filter((s) => s !== 'default');
}

function main(): number {
  const stages = declaredStages(readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8'));
  if (stages.length === 0) throw new Error('no stage found under params: in serverless.yml');
  const outDir = path.join(ROOT, '.tmp/nag');
  mkdirSync(outDir, { recursive: true });
  const findings: Finding[] = [];
  for (const stage of stages) {
    const file = path.join(outDir, `template-${stage}.json`);
    writeFileSync(file, JSON.stringify(packagedTemplate(stage)));
    findings.push(...nagTemplate(stage, file));
  }
  const verdict = judge(findings, suppressions);
  writeFileSync(path.join(outDir, 'report.json'), JSON.stringify({ stages, ...verdict }, null, 2));
  for (const stage of stages) {
    const count = (list: Finding[]) => list.filter((f) => f.stage === stage).length;
    console.log(
      `cdk-nag ${PACKS.join(', ')} on stage ${stage}: ${count(findings)} findings, ` +
        `${count(verdict.suppressed)} suppressed with a reason, ${count(verdict.unsuppressed)} new`,
    );
  }
  for (const f of verdict.unsuppressed)
    console.log(`NEW FINDING [${f.stage}] ${f.rule} on ${f.resource}: ${f.description}`);
  for (const u of verdict.unused)
    console.log(`STALE SUPPRESSION ${u}: matches no finding in any stage; remove it`);
  if (verdict.unsuppressed.length || verdict.unused.length) {
    console.log(
      'Fix the template, or add the finding with its reason to scripts/cdk-nag/suppressions.ts (reviewed).',
    );
    return 1;
  }
  return 0;
}

if (require.main === module) process.exitCode = main();
