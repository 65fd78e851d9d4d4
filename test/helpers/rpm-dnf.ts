// dnf 4 driven as a node would use it, inside a throwaway installroot: only the repos a test writes into
// <root>/etc/yum.repos.d, signature checks as the .repo file says, its own cache directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunResult } from './cli.js';

export interface DnfRepo {
  id: string;
  baseurl: string;
  /** file:// URLs of the keys; with them gpgcheck=1 and repo_gpgcheck=1. */
  gpgkey?: string[];
  repoGpgcheck?: boolean;
}

export interface DnfRoot {
  root: string;
  dnf(args: string[]): Promise<RunResult>;
  /** Like dnf() but throws with dnf's output when it fails. */
  must(args: string[]): Promise<string>;
}

export function dnfRoot(dir: string, repos: DnfRepo[]): DnfRoot {
  const root = join(dir, 'root');
  const reposdir = join(root, 'etc/yum.repos.d');
  mkdirSync(reposdir, { recursive: true });
  for (const r of repos) {
    const lines = [`[${r.id}]`, `name=${r.id}`, `baseurl=${r.baseurl}`, 'enabled=1', 'metadata_expire=0'];
    if (r.gpgkey) lines.push('gpgcheck=1', `repo_gpgcheck=${r.repoGpgcheck === false ? 0 : 1}`, `gpgkey=${r.gpgkey.join(' ')}`);
    else lines.push('gpgcheck=0', 'repo_gpgcheck=0');
    writeFileSync(join(reposdir, `${r.id}.repo`), lines.join('\n') + '\n');
  }
  const conf = join(dir, 'dnf.conf');
  writeFileSync(conf, '[main]\nkeepcache=0\n');
  const base = ['-y', '-q', `--installroot=${root}`, '--releasever=9', `--setopt=reposdir=${reposdir}`, `--setopt=cachedir=${join(dir, 'cache')}`, '--setopt=install_weak_deps=False', '--setopt=module_platform_id=platform:el9', `--config=${conf}`];
  const dnf = (args: string[]) => run('dnf', [...base, ...args]);
  return {
    root,
    dnf,
    async must(args) {
      const r = await dnf(args);
      if (r.code !== 0) throw new Error(`dnf ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
      return r.stdout;
    },
  };
}
