// Where upstream registry credentials come from, first match wins:
//   1. AIRLOCK_CREDS_<HOST>=user:password, HOST upper-cased with every other character as "_"
//      (AIRLOCK_CREDS_QUAY_IO, AIRLOCK_CREDS_127_0_0_1_5000);
//   2. a containers auth file: $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json;
//   3. a docker config: $DOCKER_CONFIG/config.json, ~/.docker/config.json (`auths.<host>.auth` or
//      username/password; Docker Hub under https://index.docker.io/v1/). Credential helpers are not run.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from '../../http/auth.js';
import { DOCKER_HUB } from './names.js';

export function envKey(registry: string): string {
  return `AIRLOCK_CREDS_${registry.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function split(text: string): Credentials | undefined {
  const colon = text.indexOf(':');
  return colon > 0 ? { user: text.slice(0, colon), password: text.slice(colon + 1) } : undefined;
}

export function authFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json'));
  files.push(join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'));
  return files;
}

export function credentialsFor(registry: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const fromEnv = env[envKey(registry)];
  if (fromEnv) return split(fromEnv);
  const keys = registry === DOCKER_HUB ? ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io', 'registry-1.docker.io'] : [registry, `https://${registry}`, `http://${registry}`];
  for (const file of authFiles(env)) {
    let doc: { auths?: Record<string, { auth?: string; username?: string; password?: string }> };
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    for (const key of keys) {
      const entry = doc.auths?.[key];
      if (!entry) continue;
      if (entry.auth) {
        const c = split(Buffer.from(entry.auth, 'base64').toString('utf8'));
        if (c) return c;
      }
      if (entry.username && entry.password) return { user: entry.username, password: entry.password };
    }
  }
  return undefined;
}
