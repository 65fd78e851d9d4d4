// PEP 440 versions and specifiers, PEP 508 markers and requirements, PEP 425 wheel tags for a target.
import { describe, expect, it } from 'vitest';
import { compareVersions, normalizeVersion, parseVersion } from '../src/kinds/pypi/pep440.js';
import { matches, parseSpecifier } from '../src/kinds/pypi/specifier.js';
import { evaluateMarker, parseMarker } from '../src/kinds/pypi/markers.js';
import { parseRequirement } from '../src/kinds/pypi/requirement.js';
import { markerEnv, supportedTags, wheelRank } from '../src/kinds/pypi/tags.js';

const v = (s: string) => {
  const r = parseVersion(s);
  if (!r) throw new Error(`bad version ${s}`);
  return r;
};

describe('PEP 440 versions', () => {
  it('sorts in the order the PEP gives', () => {
    const order = ['1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2', '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.1.dev1', '2!0.1'];
    const shuffled = [...order].reverse();
    expect(shuffled.sort((a, b) => compareVersions(v(a), v(b)))).toEqual(order);
  });
  it('normalizes spellings', () => {
    expect(normalizeVersion(v('1.0-RC1'))).toBe('1.0rc1');
    expect(normalizeVersion(v('1.0-1'))).toBe('1.0.post1');
    expect(normalizeVersion(v('v2.0.dev'))).toBe('2.0.dev0');
    expect(compareVersions(v('1.0'), v('1.0.0'))).toBe(0);
    expect(parseVersion('not-a-version')).toBeUndefined();
  });
});

describe('PEP 440 specifiers', () => {
  const ok = (spec: string, version: string) => matches(parseSpecifier(spec), v(version));
  it('implements each operator', () => {
    expect(ok('>=1.2,<2', '1.9')).toBe(true);
    expect(ok('>=1.2,<2', '2.0')).toBe(false);
    expect(ok('~=2.2.1', '2.2.9')).toBe(true);
    expect(ok('~=2.2.1', '2.3')).toBe(false);
    expect(ok('~=2.2', '2.9')).toBe(true);
    expect(ok('==1.1.*', '1.1.5')).toBe(true);
    expect(ok('!=1.1.*', '1.1.5')).toBe(false);
    expect(ok('==1.0', '1.0+local')).toBe(true);
    expect(ok('<2', '2.0rc1')).toBe(false);
    expect(ok('>1.0', '1.0.post1')).toBe(false);
    expect(ok('', '3.0')).toBe(true);
  });
  it('skips pre-releases unless a clause names one', () => {
    expect(ok('>=1.0', '2.0b1')).toBe(false);
    expect(ok('>=2.0b1', '2.0b2')).toBe(true);
  });
  it('refuses a clause that is not a specifier', () => {
    expect(() => parseSpecifier('>>1')).toThrow(/not a version specifier/);
  });
});

describe('PEP 508 markers and requirements', () => {
  const env = markerEnv({ python: '3.9', platform: 'manylinux_2_34_aarch64' });
  const ev = (m: string, extra = '') => evaluateMarker(parseMarker(m), { ...env, extra });
  it('evaluates for the target, not the running interpreter', () => {
    expect(ev('python_version < "3.10"')).toBe(true);
    expect(ev('python_version >= "3.10" or sys_platform == "win32"')).toBe(false);
    expect(ev('platform_machine == "aarch64" and (os_name == "posix")')).toBe(true);
    expect(ev("'linux' in sys_platform")).toBe(true);
    expect(ev('extra == "Socks_Proxy"', 'socks-proxy')).toBe(true);
    expect(ev('python_full_version >= "3.9.0"')).toBe(true);
  });
  it('parses requirements with extras, specifiers and markers', () => {
    const r = parseRequirement('Jinja2[i18n,Async] (>=3.1,<4) ; python_version >= "3.8"');
    expect(r.name).toBe('jinja2');
    expect(r.extras).toEqual(['i18n', 'async']);
    expect(r.specifier.text).toBe('>=3.1,<4');
    expect(r.marker).toBeDefined();
    expect(parseRequirement('zope.interface').name).toBe('zope-interface');
    expect(() => parseRequirement('x @ https://example.com/x.whl')).toThrow(/direct URL/);
  });
  it('refuses a malformed marker with its text', () => {
    expect(() => parseMarker('python_version >>> "3"')).toThrow(/marker/);
  });
});

describe('wheel tags for a target', () => {
  const cp311 = supportedTags({ python: '3.11', platform: 'manylinux_2_28_x86_64' });
  it('accepts older manylinux levels and legacy aliases, never newer ones', () => {
    expect(wheelRank('x-1-cp311-cp311-manylinux_2_28_x86_64.whl', cp311)).toBeDefined();
    expect(wheelRank('x-1-cp311-cp311-manylinux2014_x86_64.whl', cp311)).toBeDefined();
    expect(wheelRank('x-1-cp311-cp311-manylinux_2_34_x86_64.whl', cp311)).toBeUndefined();
    expect(wheelRank('x-1-cp311-cp311-manylinux_2_17_aarch64.whl', cp311)).toBeUndefined();
    expect(wheelRank('x-1-cp311-cp311-musllinux_1_1_x86_64.whl', cp311)).toBeUndefined();
  });
  it('prefers the most specific wheel: own ABI, then abi3, then pure Python', () => {
    const own = wheelRank('x-1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', cp311)!;
    const abi3 = wheelRank('x-1-cp37-abi3-manylinux_2_28_x86_64.whl', cp311)!;
    const pure = wheelRank('x-1-py3-none-any.whl', cp311)!;
    expect(own).toBeLessThan(abi3);
    expect(abi3).toBeLessThan(pure);
    expect(wheelRank('x-1-cp312-abi3-manylinux_2_28_x86_64.whl', cp311)).toBeUndefined();
    expect(wheelRank('x-1-cp310-cp310-manylinux_2_28_x86_64.whl', cp311)).toBeUndefined();
    expect(wheelRank('x-1-py2.py3-none-any.whl', cp311)).toBe(pure);
  });
  it('derives the marker environment from the platform tag', () => {
    expect(markerEnv({ python: '3.12.1', platform: 'win_amd64' })).toMatchObject({ sys_platform: 'win32', platform_machine: 'AMD64', python_full_version: '3.12.1', python_version: '3.12' });
    expect(markerEnv({ python: '3.11', platform: 'musllinux_1_2_aarch64' })).toMatchObject({ sys_platform: 'linux', platform_machine: 'aarch64', platform_system: 'Linux' });
  });
});

describe('serving helpers', () => {
  it('negotiates the page format the way pip and uv ask', async () => {
    const { negotiate } = await import('../src/kinds/pypi/pages.js');
    expect(negotiate('application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01')?.format).toBe('json');
    expect(negotiate('application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01')?.type).toBe('application/vnd.pypi.simple.v1+json');
    expect(negotiate('text/html')?.format).toBe('html');
    expect(negotiate(undefined)?.format).toBe('html');
    expect(negotiate('*/*')?.type).toBe('text/html');
    expect(negotiate('application/vnd.pypi.simple.v1+json;q=0, text/html;q=0.5')?.format).toBe('html');
    expect(negotiate('application/xml')).toBeUndefined();
  });

  it('reads a multipart form whose boundaries fall across chunks, streaming the file part', async () => {
    const { readMultipart } = await import('../src/kinds/pypi/multipart.js');
    const content = Buffer.alloc(100_000, 7);
    const b = 'XyZ123';
    const form = Buffer.concat([
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name=":action"\r\n\r\nfile_upload\r\n--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nmy-pkg\r\n`),
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="content"; filename="my_pkg-1.0-py3-none-any.whl"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]);
    async function* chunks() {
      for (let i = 0; i < form.length; i += 7) yield form.subarray(i, i + 7);
    }
    const { fields, file } = await readMultipart(chunks(), b, async (part, seen, data) => {
      const parts: Buffer[] = [];
      for await (const c of data) parts.push(c);
      return { filename: part.filename, name: seen.get('name'), bytes: Buffer.concat(parts) };
    });
    expect(fields.get(':action')).toBe('file_upload');
    expect(file?.name).toBe('my-pkg');
    expect(file?.filename).toBe('my_pkg-1.0-py3-none-any.whl');
    expect(file?.bytes.equals(content)).toBe(true);
  });

  it('refuses a truncated form', async () => {
    const { readMultipart } = await import('../src/kinds/pypi/multipart.js');
    async function* chunks() {
      yield Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue-without-end');
    }
    await expect(readMultipart(chunks(), 'b', async () => undefined)).rejects.toThrow(/closing boundary/);
  });
});
