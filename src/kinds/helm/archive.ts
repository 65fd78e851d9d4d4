// Reading a chart archive (.tgz): Chart.yaml, Chart.lock, values.yaml and images.lock of the chart and,
// recursively, of the subcharts vendored under charts/*.tgz. Only those small files are kept; every
// other entry streams past. Archives come from the store (collected or uploaded) and may be hostile:
// sizes are capped and entry names only matched, never written anywhere.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { isScalar, parse as parseYaml, parseDocument } from 'yaml';
import { AirlockError } from '../../core/errors.js';

const MAX_FILE = 8 * 1024 * 1024;

export interface ChartMetadata {
  apiVersion?: string;
  name: string;
  version: string;
  appVersion?: string;
  dependencies?: { name: string; version?: string; repository?: string; alias?: string; condition?: string }[];
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface ChartFiles {
  meta: ChartMetadata;
  lock?: { dependencies?: { name: string; version: string; repository?: string }[] };
  values?: unknown;
  imagesLock?: unknown;
  /** Subcharts shipped inside the archive (charts/*.tgz), read the same way. */
  vendored: ChartFiles[];
}

// helm package keeps vendored subcharts unpacked (<chart>/charts/<sub>/…, at any depth); `helm dependency
// build` leaves them as <chart>/charts/<sub>.tgz. Both are read.
const WANTED = /^[^/]+\/(?:charts\/[^/]+\/)*(Chart\.yaml|Chart\.lock|values\.yaml|images\.lock|charts\/[^/]+\.tgz)$/;

export async function readChart(source: Readable | Buffer, where: string): Promise<ChartFiles> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const name = header.name.replace(/^\.\//, '');
    if (header.type !== 'file' || !WANTED.test(name) || (header.size ?? 0) > MAX_FILE) {
      stream.on('end', next).resume();
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer)).on('end', () => {
      files.set(name.slice(name.indexOf('/') + 1), Buffer.concat(chunks));
      next();
    });
  });
  const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
  await pipeline(input, createGunzip(), extract).catch((err: Error) => {
    throw new AirlockError('UNSUPPORTED', `${where}: not a readable chart archive (${err.message})`, { hint: 'a chart is a .tgz made by `helm package`' });
  });
  return chartFrom(files, where);
}

/** The chart whose files sit under `prefix` ('' for the top), with its vendored subcharts. */
async function chartFrom(files: Map<string, Buffer>, where: string, prefix = ''): Promise<ChartFiles> {
  const chartYaml = files.get(`${prefix}Chart.yaml`);
  if (!chartYaml) throw new AirlockError('UNSUPPORTED', `${where}: the archive has no ${prefix || '<chart>/'}Chart.yaml`, { hint: 'a chart is a .tgz made by `helm package`' });
  const meta = chartYamlOf(chartYaml, `${where} ${prefix}Chart.yaml`);
  if (!meta || typeof meta.name !== 'string' || meta.version === undefined) {
    throw new AirlockError('UNSUPPORTED', `${where}: ${prefix}Chart.yaml has no name or version`);
  }
  meta.version = String(meta.version);
  const vendored: ChartFiles[] = [];
  const subdirs = new Set<string>();
  for (const [name, bytes] of files) {
    if (!name.startsWith(`${prefix}charts/`)) continue;
    const rest = name.slice(prefix.length + 'charts/'.length);
    if (!rest.includes('/') && rest.endsWith('.tgz')) vendored.push(await readChart(bytes, `${where} ${name}`));
    else if (rest.includes('/')) subdirs.add(`${prefix}charts/${rest.slice(0, rest.indexOf('/'))}/`);
  }
  for (const dir of subdirs) vendored.push(await chartFrom(files, where, dir));
  const yaml = (file: string) => (files.has(prefix + file) ? yamlOf(files.get(prefix + file)!, `${where} ${prefix}${file}`) : undefined);
  return { meta, lock: yaml('Chart.lock') as ChartFiles['lock'], values: yaml('values.yaml'), imagesLock: yaml('images.lock'), vendored };
}

/** Chart.yaml with version strings exactly as written (`version: 1.10` is "1.10", not the number 1.1). */
function chartYamlOf(bytes: Buffer, where: string): ChartMetadata {
  const doc = parseDocument(bytes.toString('utf8'));
  if (doc.errors.length > 0) throw new AirlockError('UNSUPPORTED', `${where}: ${doc.errors[0]!.message.split('\n')[0]}`);
  const meta = doc.toJS() as ChartMetadata;
  const text = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    return isScalar(node) && node.source !== undefined ? String(node.source) : undefined;
  };
  if (!meta || typeof meta !== 'object') return meta;
  for (const k of ['version', 'appVersion', 'kubeVersion']) if (text([k]) !== undefined) meta[k] = text([k]);
  meta.dependencies?.forEach((d, i) => {
    const v = text(['dependencies', i, 'version']);
    if (v !== undefined) d.version = v;
  });
  return meta;
}

function yamlOf(bytes: Buffer, where: string): unknown {
  try {
    return parseYaml(bytes.toString('utf8'));
  } catch (err) {
    throw new AirlockError('UNSUPPORTED', `${where}: ${(err as Error).message.split('\n')[0]}`);
  }
}
