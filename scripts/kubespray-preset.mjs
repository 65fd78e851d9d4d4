#!/usr/bin/env node
// Makes airlock's kubespray preset data from kubespray's own files, unmodified (../shared/kubespray/<tag>/):
//   node scripts/kubespray-preset.mjs [SOURCE_DIR] [OUT_DIR]
// For each release it merges, in Ansible's precedence order (role defaults, then role vars), the
// variables that define downloads and checksums, and keeps the OS package table, requirements.txt and
// the names of the variables kubespray's sample offline.yml sets. The output is data only; the
// templates are evaluated at run time by src/kubespray/ (so a user's overrides take part, as in Ansible).
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const source = resolve(process.argv[2] ?? '../shared/kubespray');
const out = resolve(process.argv[3] ?? 'data/kubespray');
const VAR_FILES = [
  'roles/kubespray_defaults/defaults/main/main.yml',
  'roles/kubespray_defaults/defaults/main/download.yml',
  'roles/kubespray_defaults/vars/main/main.yml',
  'roles/kubespray_defaults/vars/main/checksums.yml',
];

const yamlOf = (file) => parse(readFileSync(file, 'utf8')) ?? {};

mkdirSync(out, { recursive: true });
for (const tag of readdirSync(source).filter((d) => /^v\d+\.\d+\.\d+$/.test(d)).sort()) {
  const dir = join(source, tag);
  const vars = {};
  for (const f of VAR_FILES) Object.assign(vars, yamlOf(join(dir, f)));
  const packages = yamlOf(join(dir, 'roles/system_packages/vars/main.yml'));
  const packageDefaults = existsSync(join(dir, 'roles/system_packages/defaults/main.yml')) ? yamlOf(join(dir, 'roles/system_packages/defaults/main.yml')) : {};
  const downloadYml = readFileSync(join(dir, VAR_FILES[1]), 'utf8');
  const offline = readFileSync(join(dir, 'inventory/sample/group_vars/all/offline.yml'), 'utf8');
  const preset = {
    kubespray: tag.slice(1),
    source: `kubespray ${tag}: ${VAR_FILES.join(', ')}, roles/system_packages/vars/main.yml, requirements.txt, inventory/sample/group_vars/all/offline.yml (Apache-2.0)`,
    // In the order download.yml defines them, as generate_list.sh reads them.
    downloadUrlVars: [...downloadYml.matchAll(/^([a-z0-9_]+_download_url):/gm)].map((m) => m[1]),
    imageRepoVars: Object.keys(vars).filter((k) => k.endsWith('_image_repo')),
    offlineSampleVars: [...new Set([...offline.matchAll(/^#?\s*([a-z0-9_]+):/gm)].map((m) => m[1]))],
    requirements: readFileSync(join(dir, 'requirements.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
    systemPackages: { ...packageDefaults, ...packages },
    vars,
  };
  const file = join(out, `${tag}.json`);
  writeFileSync(file, JSON.stringify(preset, null, 1) + '\n');
  console.log(`${file}: ${Object.keys(vars).length} variables, ${preset.downloadUrlVars.length} download URLs, ${Object.keys(packages.pkgs ?? {}).length} OS packages`);
}
