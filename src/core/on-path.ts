// Whether a command is installed, the way `command -v` finds it, without running a shell.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** `command -v`: true when `cmd` is an executable file in one of PATH's directories. */
export function onPath(cmd: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir || '.', cmd), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
