// kubespray's release data, as shipped in data/kubespray/<tag>.json (made by scripts/kubespray-preset.mjs
// from kubespray's own files), and the choices a user makes for one cluster.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AirlockError } from '../core/errors.js';
import type { Vars } from './ansible-vars.js';

export interface PresetData {
  kubespray: string;
  source: string;
  downloadUrlVars: string[];
  imageRepoVars: string[];
  offlineSampleVars: string[];
  requirements: string[];
  systemPackages: { pkgs?: Record<string, string[]>; [k: string]: unknown };
  vars: Vars;
}

const DATA_DIR = fileURLToPath(new URL('../../data/kubespray/', import.meta.url));

/** The kubespray releases airlock has data for, newest first. */
export function presetVersions(): string[] {
  if (!existsSync(DATA_DIR)) return [];
  return readdirSync(DATA_DIR)
    .map((f) => /^v(\d+\.\d+\.\d+)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
}

const loaded = new Map<string, PresetData>();

/** A release's data, read once per process (nodeconfig renders it for every dashboard view and lab node). */
export function loadPreset(version: string): PresetData {
  const v = version.replace(/^v/, '');
  const cached = loaded.get(v);
  if (cached) return cached;
  const file = join(DATA_DIR, `v${v}.json`);
  if (!existsSync(file)) {
    throw new AirlockError('USAGE', `no kubespray preset for ${version}`, { hint: `airlock has presets for ${presetVersions().join(', ') || 'no release'}; pass one with --version` });
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as PresetData;
  loaded.set(v, data);
  return data;
}
