// The tool version written into bundles and printed by --version.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export const TOOL_VERSION: string = pkg.version;
