// The main module a manifest names with `gomod: ./go.mod`: its requirements are the roots of the build
// list; its exclude and replace directives apply to the whole graph, as they do for `go` itself.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AirlockError } from '../../core/errors.js';
import { GoModSyntaxError, parseGoMod, type GoModFile, type ModuleVersion } from './gomodfile.js';

export async function readMainModule(baseDir: string, file: string): Promise<GoModFile> {
  const path = resolve(baseDir, file);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new AirlockError('NOT_FOUND', `gomod: cannot read ${path} (${err.code ?? err.message})`, { hint: 'give the path of a go.mod file, relative to airlock.yaml' });
  });
  try {
    return parseGoMod(text);
  } catch (err) {
    if (!(err instanceof GoModSyntaxError)) throw err;
    throw new AirlockError('CONFIG_INVALID', err.message.replace(/^line \d+: /, ''), { where: `${path}:${err.line}`, hint: 'fix the go.mod file (`go mod edit -fmt` shows the problem too)' });
  }
}

/**
 * Where a module version really comes from under the main module's replace directives: another module
 * version, or undefined for a local directory (which no proxy serves: it is not carried).
 */
export function replacementOf(m: ModuleVersion, main: GoModFile | undefined): ModuleVersion | undefined {
  const rules = main?.replace ?? [];
  const rule = rules.find((r) => r.from.path === m.path && r.from.version === m.version) ?? rules.find((r) => r.from.path === m.path && r.from.version === undefined);
  if (!rule) return m;
  return rule.to.version === undefined ? undefined : { path: rule.to.path, version: rule.to.version };
}
