// The `charts:` section of airlock.yaml and its lock entries: a chart from a classic repository
// (index.yaml + .tgz) or from an OCI registry, with the images it runs unless `images: false`.
import { z } from 'zod';

const sha256Hex = z.string().regex(/^[a-f0-9]{64}$/, 'expected 64 lowercase hex characters');
const chartName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a chart name such as cilium or ingress-nginx');
const version = z.string().min(1, 'expected an exact chart version such as 1.18.4');

const repoUrl = z
  .string()
  .url('expected the repository URL, e.g. https://helm.cilium.io/')
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'a classic chart repository is an http:// or https:// URL');

const ociUrl = z
  .string()
  .regex(/^oci:\/\/[^/\s]+\/[^\s:@]+$/, 'expected oci://<registry>/<path>/<chart> without a tag, e.g. oci://registry-1.docker.io/bitnamicharts/nginx');

export const repoChartSchema = z
  .object({
    repo: repoUrl,
    name: chartName,
    version,
    /** Also collect every image the chart (and its dependencies) runs. Default true. */
    images: z.boolean().optional(),
  })
  .strict();

export const ociChartSchema = z
  .object({
    oci: ociUrl,
    version,
    images: z.boolean().optional(),
    /** Speak plain HTTP to this registry (loopback registries do unless this says false). */
    insecure: z.boolean().optional(),
  })
  .strict();

/**
 * One flat object checked by hand rather than a zod union: a union's error is "Invalid input", while
 * this says which key is missing or does not belong, at the line of the entry.
 */
export const chartEntrySchema = z
  .object({ ...repoChartSchema.partial().shape, ...ociChartSchema.partial().shape })
  .strict()
  .superRefine((e, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (e.repo === undefined && e.oci === undefined) return issue('repo', 'a chart entry needs `repo:` (a classic repository, with `name:`) or `oci:` (oci://registry/path/chart)');
    if (e.repo !== undefined && e.oci !== undefined) return issue('oci', 'give either `repo:` or `oci:`, not both');
    if (e.version === undefined) issue('version', 'a chart entry needs `version:` (an exact chart version such as 1.18.4)');
    if (e.repo !== undefined && e.name === undefined) issue('name', 'a chart from a classic repository needs `name:` (the chart name in its index.yaml)');
    if (e.oci !== undefined && e.name !== undefined) issue('name', 'an `oci:` chart is named by its reference (oci://…/<name>): remove `name:`');
    if (e.repo !== undefined && e.insecure !== undefined) issue('insecure', '`insecure:` applies to `oci:` registries; a classic repository says http:// or https:// in its URL');
  }) as unknown as z.ZodType<z.infer<typeof repoChartSchema> | z.infer<typeof ociChartSchema>>;

export const chartLockedSchema = z
  .object({
    repo: z.string().optional(),
    oci: z.string().optional(),
    name: z.string(),
    version: z.string(),
    sha256: sha256Hex,
    /** An `oci:` chart's manifest digest: with --locked, exactly this manifest is fetched. */
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/).optional(),
  })
  .strict();

export type RepoChartEntry = z.infer<typeof repoChartSchema>;
export type OciChartEntry = z.infer<typeof ociChartSchema>;
export type ChartEntry = z.infer<typeof chartEntrySchema>;
export type ChartLocked = z.infer<typeof chartLockedSchema>;

/** The chart name an OCI reference ends with. */
export function ociChartName(oci: string): string {
  return oci.slice(oci.lastIndexOf('/') + 1);
}

export function chartKey(e: ChartEntry | ChartLocked): string {
  if ('oci' in e && e.oci) return `${e.oci}:${e.version}`;
  return `${(e as { repo: string }).repo.replace(/\/+$/, '')}/${(e as { name: string }).name}:${e.version}`;
}

export function chartSatisfies(entry: ChartEntry, locked: ChartLocked): boolean {
  return chartKey(entry) === chartKey(locked);
}

/** Media type of a chart archive, as OCI registries and our records name it. */
export const CHART_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
