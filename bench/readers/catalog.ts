import { confluence } from './confluence.ts';
import { github } from './github.ts';
import { googleDrive } from './google-drive.ts';
import { impersonatedGoogleDrive } from './impersonated-google-drive.ts';
import { jira } from './jira.ts';
import { notion } from './notion.ts';
import { onedrive } from './onedrive.ts';
import { postgresql } from './postgresql.ts';
import type { ReaderBench } from './reader-source.ts';
import { s3 } from './s3.ts';
import { salesforce } from './salesforce.ts';
import { sharepoint } from './sharepoint.ts';
import { slack } from './slack.ts';
import { web } from './web.ts';

/** Every reader benchmarked, in the order they run. */
export const readerBenches: readonly ReaderBench[] = [
  postgresql,
  s3,
  web,
  github,
  jira,
  confluence,
  slack,
  notion,
  googleDrive,
  impersonatedGoogleDrive,
  sharepoint,
  onedrive,
  salesforce,
];

/** The benches `--only` names: a reader's name, or `saas` for all the SaaS ones. */
export function selectBenches(only: string | undefined): ReaderBench[] {
  if (!only) return [...readerBenches];
  const names = new Set(only.split(',').map((name) => name.trim()));
  const unknown = [...names].filter((name) => name !== 'saas' && !readerBenches.some((bench) => bench.name === name));
  if (unknown.length > 0) throw new Error(`unknown reader ${unknown.join(', ')}; known: saas, ${readerBenches.map((bench) => bench.name).join(', ')}`);
  return readerBenches.filter((bench) => names.has(bench.name) || (bench.saas && names.has('saas')));
}
