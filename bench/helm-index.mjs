#!/usr/bin/env node
// index.yaml of a large classic chart repository: time and peak RSS to find one chart version, with the
// helm kind's streaming scanner (src/kinds/helm/index-scan.ts) beside the peer a naive reader would be,
// the same yaml library parsing the whole document (yaml.parse). Each run is its own process, so the
// peak RSS (getrusage maxrss) is that reader's alone. Needs `npx tsc` first (reads dist/).
//   node bench/helm-index.mjs [versions=5000] [charts=50]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, createReadStream, readFileSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const [, , , mode, file, chart, version] = process.argv;
  const started = process.hrtime.bigint();
  let found;
  if (mode === 'stream') {
    const { scanIndex } = await import('../dist/kinds/helm/index-scan.js');
    found = (await scanIndex(createReadStream(file), chart, (c) => c.version === version)).match;
  } else {
    const { parse } = await import('yaml');
    found = parse(readFileSync(file, 'utf8')).entries[chart].find((v) => v.version === version);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024, found: found?.digest !== undefined }));
  process.exit(0);
}

const versions = Number(process.argv[2] ?? 5000);
const charts = Number(process.argv[3] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'helm-index-bench-'));
const file = join(dir, 'index.yaml');

/** An index in helm's own layout: `charts` charts, `versions` versions in all, realistic fields. */
function generate() {
  const lines = ['apiVersion: v1', 'entries:'];
  const per = Math.ceil(versions / charts);
  for (let c = 0; c < charts; c++) {
    lines.push(`  chart-${c}:`);
    for (let v = 0; v < per; v++) {
      lines.push(
        '  - annotations:',
        `      artifacthub.io/images: |\n        - name: app\n          image: registry.example.org/team/chart-${c}:${v}.0.0`,
        '    apiVersion: v2',
        `    appVersion: ${v}.0.0`,
        `    created: "2024-01-01T00:00:00.${String(v).padStart(6, '0')}Z"`,
        `    description: A Helm chart for Kubernetes number ${c}, with a description long enough to be realistic`,
        `    digest: ${(c * 100000 + v).toString(16).padStart(64, '0')}`,
        '    home: https://example.org/',
        '    keywords:\n    - example\n    - bench',
        '    maintainers:\n    - email: ops@example.org\n      name: ops',
        `    name: chart-${c}`,
        '    type: application',
        `    urls:\n    - https://charts.example.org/chart-${c}-1.${v}.0.tgz`,
        `    version: 1.${v}.0`,
      );
    }
  }
  lines.push('generated: "2024-01-01T00:00:00Z"', '');
  writeFileSync(file, lines.join('\n'));
}

function runChild(mode, chart, version) {
  return JSON.parse(execFileSync(process.execPath, [self, '--child', mode, file, chart, version]).toString());
}

generate();
const size = statSync(file).size;
// The last chart's last version: both readers go through the whole document.
const chart = `chart-${charts - 1}`;
const version = `1.${Math.ceil(versions / charts) - 1}.0`;
const rows = [];
for (let round = 0; round < 3; round++) for (const mode of ['stream', 'whole']) rows.push({ mode, ...runChild(mode, chart, version) });
const best = (mode, key) => Math.min(...rows.filter((r) => r.mode === mode).map((r) => r[key]));
console.log(`index.yaml: ${versions} versions of ${charts} charts, ${(size / 1048576).toFixed(1)} MiB; ${cpus()[0].model}; node ${process.version}`);
for (const mode of ['stream', 'whole']) console.log(`${mode.padEnd(7)} best of 3: ${best(mode, 'ms').toFixed(0)} ms, peak RSS ${best(mode, 'rssMiB').toFixed(0)} MiB, found=${rows.find((r) => r.mode === mode).found}`);
console.log(`ratio time whole/stream: ${(best('whole', 'ms') / best('stream', 'ms')).toFixed(2)}×; peak RSS stream/whole: ${(best('stream', 'rssMiB') / best('whole', 'rssMiB')).toFixed(2)}×`);
rmSync(dir, { recursive: true, force: true });
