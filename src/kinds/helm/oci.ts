// The chart archive inside an OCI chart manifest (what `helm push` writes): the one layer with the
// chart content media type. The registry protocol itself stays in the oci kind.
import { AirlockError } from '../../core/errors.js';
import { CHART_MEDIA_TYPE } from './spec.js';

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
