// The catalog record of a chart: kind "helm", name and version from Chart.yaml, the archive as its one
// blob, and in `meta` the Chart.yaml metadata (index.yaml entries are rebuilt from it) and the images found.
import type { NewArtifact } from '../../store/artifact.js';
import { sha256Digest } from '../../core/digest.js';
import type { ChartMetadata } from './archive.js';
import type { FoundImages } from './images.js';
import { CHART_MEDIA_TYPE } from './spec.js';

export interface ChartMeta {
  chart: ChartMetadata;
  images?: string[];
  /** False when the images were read from values and annotations rather than rendered. */
  imagesComplete?: boolean;
}

export function chartRecord(meta: ChartMetadata, blob: { sha256: string; size: number; origin: string }, found?: FoundImages): NewArtifact {
  const recordMeta: ChartMeta = { chart: meta };
  if (found) {
    recordMeta.images = found.images;
    recordMeta.imagesComplete = found.complete;
  }
  return {
    kind: 'helm',
    name: meta.name,
    version: meta.version,
    origin: blob.origin,
    blobs: [{ digest: sha256Digest(blob.sha256), size: blob.size, role: 'chart', mediaType: CHART_MEDIA_TYPE }],
    meta: recordMeta as unknown as Record<string, unknown>,
  };
}
