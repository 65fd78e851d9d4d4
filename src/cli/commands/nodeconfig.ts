// airlock nodeconfig --site FILE [--store DIR] [--out DIR] [--json]: the configuration nodes and
// kubespray need to use the admin server, derived from site.yaml (and the store's image registries).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadSite, sitePath } from '../../config/site.js';
import { AirlockError } from '../../core/errors.js';
import { renderNodeConfig, writeNodeConfig } from '../../nodeconfig/index.js';
import { upstreamRegistries } from '../../kinds/oci/names.js';
import { yumReposOf } from '../../kinds/rpm/nodes.js';
import type { YumOptions } from '../../nodeconfig/yum.js';
import { Store } from '../../store/store.js';
import { loadPreset, presetVersions, type PresetData } from '../../kubespray/preset.js';
import { checkKubesprayDownloads } from '../../nodeconfig/kubespray-check.js';
import type { NodeConfig } from '../../nodeconfig/index.js';
import type { Site } from '../../config/site.js';
import { parse } from 'yaml';
import { publishedAptRepos, siteRepoPublicKey } from '../../kinds/deb/nodes.js';
import type { AptRepo } from '../../nodeconfig/apt.js';
import { printResult } from '../output.js';
import { clusterChoices, clusterOptions, jsonOption, type ClusterFlags } from './common.js';

export function register(program: Command): void {
  const cmd = program
    .command('nodeconfig')
    .description('render node configuration (containerd mirrors, chrony, resolver, kubespray offline.yml) from site.yaml')
    .requiredOption('--site <file>', 'site.yaml describing the closed network')
    .option('--store <dir>', 'also add a containerd mirror for every registry the store holds images of')
    .option('--kubespray <version>', 'the kubespray release offline.yml is for (default: the newest airlock has a preset for)')
    .option('--out <dir>', 'write the files under this directory (as paths from a node’s /); else print them')
    .option('--check', 'first ask the running admin server for every file and image kubespray will download with offline.yml (for --arch/--cni/--runtime/--set); write nothing if one is missing')
    .option('--server <url>', 'where this machine reaches the admin server for --check (default: http(s)://<admin.address>:<port>)')
    .addOption(jsonOption());
  clusterOptions(cmd).action(async (o: ClusterFlags & { site: string; store?: string; kubespray?: string; out?: string; check?: boolean; server?: string; json?: boolean }) => {
      const site = loadSite(o.site, { option: '--site' });
      let registries: string[] = [];
      let apt: { repos: AptRepo[]; keyArmored?: string } | undefined;
      let yum: YumOptions | undefined;
      if (o.store) {
        const store = await Store.open(o.store);
        try {
          registries = upstreamRegistries(store.find({ kind: 'oci' }).map((e) => e.record.name));
          apt = { repos: publishedAptRepos(store), keyArmored: await siteRepoPublicKey(store) };
          yum = { repos: yumReposOf(store), keyArmored: apt.keyArmored };
        } finally {
          store.close();
        }
      }
      const caFile = site.http?.tls?.ca && sitePath(o.site, site.http.tls.ca);
      const kubespray = o.kubespray ? loadPreset(o.kubespray) : undefined;
      const config = renderNodeConfig(site, { registries, apt, caPem: caFile ? readCa(caFile) : undefined, kubespray, yum });
      if (o.check) await checkBeforeWriting(o, site, config, kubespray ?? loadPreset(presetVersions()[0]!));
      const written = o.out ? await writeNodeConfig(o.out, config.files) : undefined;
      const notes = config.notes.map((n) => `note: ${n}`);
      printResult(o, { ...config, written }, () =>
        written
          ? [...written.map((p) => `wrote ${p}`), ...notes].join('\n')
          : [...config.files.map((f) => `==> ${f.path} <==\n${f.content}`), ...notes].join('\n'),
      );
    });
}

async function checkBeforeWriting(o: ClusterFlags & { server?: string; json?: boolean }, site: Site, config: NodeConfig, preset: PresetData): Promise<void> {
  const offline = parse(config.files.find((f) => f.path === 'kubespray/offline.yml')!.content) as Record<string, unknown>;
  const origin = new URL(config.endpoints.filesUrl);
  const server = o.server ?? `${origin.protocol}//${site.admin.address.includes(':') ? `[${site.admin.address}]` : site.admin.address}${origin.port ? `:${origin.port}` : ''}`;
  const checks = await checkKubesprayDownloads({ preset, choices: clusterChoices(o), offline, server });
  const missing = checks.filter((c) => !c.ok);
  if (!o.json) for (const c of checks) process.stderr.write(`${c.ok ? 'ok  ' : 'MISS'} ${c.variable}: ${c.target}: ${c.detail}\n`);
  if (missing.length) {
    if (o.json) process.stdout.write(JSON.stringify({ ok: false, checks }, null, 2) + '\n');
    throw new AirlockError('NOT_FOUND', `${missing.length} of ${checks.length} kubespray downloads are missing from ${server}: ${missing.map((c) => c.variable).join(', ')}`, {
      hint: 'collect and load what is missing (airlock kubespray manifest makes the manifest), or change those variables; nothing was written',
      reported: o.json,
    });
  }
}

export function readCa(file: string): string {
  try {
    const pem = readFileSync(file, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
  } catch {
    // reported below
  }
  throw new AirlockError('CONFIG_INVALID', `cannot read a PEM certificate from ${file} (site.yaml http.tls.ca)`, { hint: 'point http.tls.ca at the ca.crt `airlock tls` wrote' });
}
