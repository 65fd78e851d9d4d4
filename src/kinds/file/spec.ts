// The `files:` section of airlock.yaml and its lock entries.
import { z } from 'zod';

const sha256Hex = z
  .string()
  .regex(/^[a-f0-9]{64}$/, 'expected 64 lowercase hex characters (the output of sha256sum), without a "sha256:" prefix');

const httpUrl = z
  .string()
  .url('expected an absolute URL such as https://dl.k8s.io/release/v1.33.7/bin/linux/amd64/kubeadm')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'only http:// and https:// URLs can be collected');

export const fileEntrySchema = z
  .object({
    url: httpUrl,
    sha256: sha256Hex.optional(),
    size: z.number().int().nonnegative().optional(),
  })
  .strict();

export const fileLockedSchema = z
  .object({
    url: httpUrl,
    sha256: sha256Hex,
    size: z.number().int().nonnegative(),
  })
  .strict();

export type FileEntry = z.infer<typeof fileEntrySchema>;
export type FileLocked = z.infer<typeof fileLockedSchema>;

/**
 * Where a file is served: `<host[:port]>/<path>`, the layout kubespray's files_repo expects under
 * /files/. Segments are percent-decoded so the route can compare decoded request segments.
 */
export function servedName(url: string): string {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  return [u.host, ...segments].join('/');
}
