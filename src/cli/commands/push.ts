// `airlock push`: copy the store's images into an existing registry (the scale-out path).
import type { Command } from 'commander';
import { AirlockError } from '../../core/errors.js';
import { count, formatSize } from '../../core/units.js';
import { pushStore } from '../../kinds/oci/push.js';
import { printResult } from '../output.js';
import { commandLogger, jsonOption, storeOption } from './common.js';

export function register(program: Command): void {
  program
    .command('push')
    .description("copy the store's images into an existing registry (Harbor, any OCI registry), keeping digests")
    .requiredOption('--to <registry>', 'target registry: host[:port][/path]')
    .option('--creds <user:password>', 'credentials for the target (or env AIRLOCK_PUSH_CREDS)')
    .option('--prefix <path>', 'put every image under this path: <registry>/<path>/registry.k8s.io/pause')
    .option('--flatten', 'keep only the last name component: <registry>/pause')
    .option('--plain-http', 'speak HTTP, not HTTPS, to the target (loopback targets always do)')
    .option('-j, --concurrency <n>', 'parallel blob uploads', (v) => Number(v), 8)
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (o) => {
      if (o.prefix && o.flatten) throw new AirlockError('USAGE', '--prefix and --flatten exclude each other', { hint: 'choose one' });
      const creds: string | undefined = o.creds ?? process.env.AIRLOCK_PUSH_CREDS;
      const colon = creds?.indexOf(':') ?? -1;
      if (creds !== undefined && colon <= 0) throw new AirlockError('USAGE', '--creds must be USER:PASSWORD');
      const summary = await pushStore({
        storeDir: o.store,
        to: o.to,
        credentials: creds ? { user: creds.slice(0, colon), password: creds.slice(colon + 1) } : undefined,
        prefix: o.prefix,
        flatten: !!o.flatten,
        plainHttp: !!o.plainHttp,
        concurrency: o.concurrency,
        log: commandLogger(),
        onImage: o.json ? undefined : (r) => process.stderr.write(`pushed     ${r.target} (${count(r.blobs.pushed, 'blob')} pushed, ${r.blobs.mounted} mounted, ${r.blobs.skipped} already there, ${formatSize(r.bytes)})\n`),
      });
      printResult(o, summary, () => `pushed ${count(summary.images.length, 'image')} to ${summary.registry} in ${(summary.durationMs / 1000).toFixed(1)} s`);
    });
}
