// A private apt configuration for the demo's try-line: apt on this machine reads airlock's repository
// with the key nodeconfig rendered, while the system's own apt state stays untouched.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { aptSources, APT_KEY_PATH, type AptRepo } from '../nodeconfig/apt.js';

export async function writeAptClient(dir: string, url: string, repos: AptRepo[], nodeDir: string): Promise<string> {
  for (const d of ['sources.list.d', 'preferences.d', 'lists/partial', 'cache/archives/partial']) await mkdir(join(dir, d), { recursive: true });
  await writeFile(join(dir, 'sources.list.d', 'airlock.sources'), aptSources(url, repos, join(nodeDir, APT_KEY_PATH)));
  await writeFile(join(dir, 'status'), '');
  const conf = [
    `Dir::Etc::SourceList "${join(dir, 'sources.list')}";`,
    `Dir::Etc::SourceParts "${join(dir, 'sources.list.d')}";`,
    `Dir::Etc::Preferences "${join(dir, 'preferences')}";`,
    `Dir::Etc::PreferencesParts "${join(dir, 'preferences.d')}";`,
    `Dir::State::Lists "${join(dir, 'lists')}";`,
    `Dir::State::status "${join(dir, 'status')}";`,
    `Dir::Cache "${join(dir, 'cache')}";`,
    'APT::Sandbox::User "root";',
    'Acquire::Languages "none";',
  ];
  await writeFile(join(dir, 'sources.list'), '');
  await writeFile(join(dir, 'apt.conf'), `${conf.join('\n')}\n`);
  return join(dir, 'apt.conf');
}
