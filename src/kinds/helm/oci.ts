// The chart archive inside an OCI chart manifest (what `helm push` writes): the one layer with the
// chart content media type. The registry protocol itself stays in the oci kind.
import { AirlockError } from '../../core/errors.js';
import { sha256Digest } from '../../core/digest.js';
import type { NewArtifact } from '../../store/artifact.js';
import type { CollectContext } from '../kind.js';
import { isValidRepoName } from '../oci/names.js';
import { imageClosure, imageRecord } from '../oci/records.js';
import type { ChartMetadata } from './archive.js';
import { CHART_MEDIA_TYPE } from './spec.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export const CHART_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';

export function ociChartLayer(manifestBytes: Buffer, where: string): { digest: string; size: number } {
  let manifest: { layers?: { mediaType?: string; digest?: string; size?: number }[] };
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    throw new AirlockError('UNSUPPORTED', `${where}: the manifest is not JSON`);
  }
  const layer = manifest.layers?.find((l) => l.mediaType === CHART_MEDIA_TYPE);
  if (!layer?.digest || layer.size === undefined) {
    throw new AirlockError('UNSUPPORTED', `${where}: not a Helm chart (no ${CHART_MEDIA_TYPE} layer in the manifest)`, {
      hint: 'an image belongs under `images:`; `charts:` takes charts pushed with `helm push`',
    });
  }
  return { digest: layer.digest, size: layer.size };
}

/**
 * A chart from a classic repository as the OCI artifact `helm push` would make of it (config = Chart.yaml
 * as JSON, one layer = the archive byte for byte), recorded by the oci kind under the repository's
 * host and path: https://charts.example.org/stable/ + app → charts.example.org/stable/app:<version>.
 * So `helm pull oci://<admin>/charts.example.org/stable/app` works too. Undefined when the URL does not
 * make a valid repository name.
 */
export async function chartAsOci(ctx: CollectContext, repo: string, meta: ChartMetadata, chart: { sha256: string; size: number; origin: string }): Promise<NewArtifact | undefined> {
  const url = new URL(repo);
  const path = [...url.pathname.split('/').filter((s) => s !== ''), meta.name].join('/');
  if (!isValidRepoName(path)) return undefined;
  const config = await ctx.putBlob(Buffer.from(JSON.stringify(meta)));
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: CHART_CONFIG_MEDIA_TYPE, digest: config.digest, size: config.size },
    layers: [{ mediaType: CHART_MEDIA_TYPE, digest: sha256Digest(chart.sha256), size: chart.size }],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const stored = await ctx.putBlob(bytes);
  const read = async (d: string) => ((await ctx.has(d)) ? ctx.readBlob(d) : undefined);
  const closure = await imageClosure({ digest: stored.digest, mediaType: OCI_MANIFEST, size: bytes.length, bytes }, read, (d) => ctx.has(d), { sparse: true });
  return imageRecord(`${url.host}/${path}`, meta.version.replace(/\+/g, '_'), chart.origin, closure);
}
