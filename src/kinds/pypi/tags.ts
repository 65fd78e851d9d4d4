// Wheel tag compatibility (PEP 425) for a TARGET interpreter and platform: manylinux by the target's glibc
// (PEP 600, with the manylinux1/2010/2014 aliases), musllinux (PEP 656), abi3 and py3-none-any. The
// ranked list follows the order pip prefers, so the most specific compatible wheel wins.
import type { MarkerEnv } from './markers.js';

export interface Target {
  python: string;
  platform: string;
  implementation?: string;
  abi?: string;
}

const LEGACY: Record<string, [number, number]> = { manylinux1: [2, 5], manylinux2010: [2, 12], manylinux2014: [2, 17] };

function pythonParts(t: Target): [number, number] {
  const [major, minor] = t.python.split('.').map(Number);
  return [major ?? 3, minor ?? 0];
}

/** The platform tags a target accepts, most specific first. */
export function platformTags(platform: string): string[] {
  const m = /^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$/.exec(platform);
  const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(platform);
  if (!m && !legacy) return [platform];
  const family = m ? m[1]! : 'manylinux';
  const [major, minor] = m ? [Number(m[2]), Number(m[3])] : LEGACY[legacy![1]!]!;
  const arch = m ? m[4]! : legacy![2]!;
  const tags: string[] = [];
  for (let v = minor; v >= 0; v--) {
    tags.push(`${family}_${major}_${v}_${arch}`);
    if (family === 'manylinux') for (const [name, [ma, mi]] of Object.entries(LEGACY)) if (ma === major && mi === v) tags.push(`${name}_${arch}`);
  }
  return tags;
}

/** Every tag the target accepts mapped to its rank (lower is preferred). */
export function supportedTags(t: Target): Map<string, number> {
  const [major, minor] = pythonParts(t);
  const impl = t.implementation ?? 'cp';
  const nodot = `${major}${minor}`;
  const abi = t.abi ?? `${impl}${nodot}`;
  const plats = platformTags(t.platform);
  const tags: string[] = [];
  const each = (fn: (p: string) => string) => plats.forEach((p) => tags.push(fn(p)));
  each((p) => `${impl}${nodot}-${abi}-${p}`);
  if (impl === 'cp') each((p) => `cp${nodot}-abi3-${p}`);
  each((p) => `${impl}${nodot}-none-${p}`);
  if (impl === 'cp') for (let m = minor - 1; m >= 2; m--) each((p) => `cp${major}${m}-abi3-${p}`);
  const pys = [`py${nodot}`, `py${major}`, ...Array.from({ length: minor }, (_, i) => `py${major}${minor - 1 - i}`)];
  for (const py of pys) each((p) => `${py}-none-${p}`);
  tags.push(`${impl}${nodot}-none-any`);
  for (const py of pys) tags.push(`${py}-none-any`);
  return new Map(tags.map((tag, i) => [tag, i]));
}

export interface WheelName {
  project: string;
  version: string;
  tags: string[];
}

/** `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, with compressed tag sets expanded. */
export function parseWheelName(filename: string): WheelName | undefined {
  const parts = filename.replace(/\.whl$/, '').split('-');
  if (!filename.endsWith('.whl') || (parts.length !== 5 && parts.length !== 6)) return undefined;
  const [py, abi, plat] = parts.slice(-3) as [string, string, string];
  const tags = py.split('.').flatMap((p) => abi.split('.').flatMap((a) => plat.split('.').map((pl) => `${p}-${a}-${pl}`)));
  return { project: parts[0]!, version: parts[1]!, tags };
}

/** The rank of the best tag of a wheel for the target, or undefined when it cannot be installed there. */
export function wheelRank(filename: string, supported: Map<string, number>): number | undefined {
  const ranks = (parseWheelName(filename)?.tags ?? []).map((t) => supported.get(t)).filter((r): r is number => r !== undefined);
  return ranks.length ? Math.min(...ranks) : undefined;
}

const MACHINE: Record<string, string> = { amd64: 'AMD64', win32: 'x86', arm64: 'ARM64' };

/** The PEP 508 marker environment of a target. */
export function markerEnv(t: Target): MarkerEnv {
  const [major, minor] = pythonParts(t);
  const full = t.python.split('.').length >= 3 ? t.python : `${major}.${minor}.0`;
  const p = t.platform;
  const os = p.startsWith('win') ? 'win' : p.startsWith('macosx') ? 'mac' : 'linux';
  const arch = /^(?:many|musl)linux(?:_\d+_\d+|1|2010|2014)?_(.+)$/.exec(p)?.[1] ?? /^linux_(.+)$/.exec(p)?.[1] ?? /^macosx_\d+_\d+_(.+)$/.exec(p)?.[1] ?? /^win_?(.+)$/.exec(p)?.[1] ?? p;
  const pypy = t.implementation === 'pp';
  return {
    python_version: `${major}.${minor}`,
    python_full_version: full,
    implementation_version: full,
    implementation_name: pypy ? 'pypy' : 'cpython',
    platform_python_implementation: pypy ? 'PyPy' : 'CPython',
    sys_platform: { win: 'win32', mac: 'darwin', linux: 'linux' }[os]!,
    os_name: os === 'win' ? 'nt' : 'posix',
    platform_system: { win: 'Windows', mac: 'Darwin', linux: 'Linux' }[os]!,
    platform_machine: os === 'win' ? (MACHINE[arch] ?? arch) : arch,
    platform_release: '',
    platform_version: '',
    extra: '',
  };
}
