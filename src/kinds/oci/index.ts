// The `oci` kind: container images collected from upstream registries or local layouts, kept in the
// store's OCI layout, served by a complete OCI Distribution registry at /v2/.
import type { Kind } from '../kind.js';
import { collectImage } from './collect.js';
import { ociRoutes } from './routes.js';
import { publishIndex } from './records.js';
import { entryKey, imageDefaultsSchema, imageEntrySchema, imageLockedSchema, satisfies, withImageDefaults, type ImageDefaults, type ImageEntry, type ImageLocked } from './spec.js';

export const ociKind: Kind<ImageEntry, ImageLocked> = {
  name: 'oci',
  section: 'images',
  entrySchema: imageEntrySchema,
  lockedSchema: imageLockedSchema,
  key: entryKey,
  satisfies,
  collect: collectImage,
  routes: ociRoutes,
  publish: publishIndex,
  defaultsSchema: imageDefaultsSchema,
  withDefaults: (entry, defaults) => withImageDefaults(entry, defaults as ImageDefaults),
};
