import type { Command } from 'commander';
import { httpListen, loadSite, sitePath } from '../../config/site.js';
import { readTlsFiles } from '../../tls/files.js';
import { createLogger } from '../../core/log.js';
import { startServer } from '../../server/serve.js';
import { reloadOnHangup, untilSignal } from '../signals.js';
import { parseListen } from '../../core/listen.js';
import { printResult } from '../output.js';
import { jsonOption, storeOption } from './common.js';
import { readCa } from './nodeconfig.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the store on one HTTP listener (files, registry, …), plus DNS and NTP when site.yaml enables them')
    .addOption(storeOption())
    .option('--site <file>', 'site.yaml: start DNS and NTP as it says; its http.listen and http.htpasswd are the defaults')
    .option('--listen <host:port>', 'HTTP address (default: site.yaml http.listen, else 0.0.0.0:8080)')
    .option('--htpasswd <file>', 'Apache htpasswd file (bcrypt, `htpasswd -B`): users who may push to the registry')
    .option('--anonymous-pull', 'anyone may pull (the default)')
    .option('--no-anonymous-pull', 'pulls need credentials from --htpasswd too')
    .option('--allow-delete', 'authenticated users may delete manifests, tags and blobs')
    .option('--no-access-log', 'do not log one line per HTTP request')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (default: site.yaml http.tls.cert; `airlock tls` makes one)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--repo-key <file>', 'OpenPGP key that signs the APT/YUM metadata served (default: keys/repo-signing.asc in the store, made on first start)')
    .addOption(jsonOption())
    .action(async (o) => {
      const site = o.site ? loadSite(o.site, { option: '--site' }) : undefined;
      // Paths in site.yaml are relative to site.yaml, not to where serve was started.
      const siteHtpasswd = site?.http?.htpasswd ? sitePath(o.site, site.http.htpasswd) : undefined;
      const tlsFiles = o.tlsCert || o.tlsKey ? { cert: o.tlsCert, key: o.tlsKey } : site?.http?.tls && { cert: sitePath(o.site, site.http.tls.cert), key: sitePath(o.site, site.http.tls.key) };
      const { host, port } = parseListen(o.listen ?? httpListen(site));
      const log = createLogger({ level: process.env.AIRLOCK_LOG_LEVEL ?? 'info', buffered: true });
      const htpasswd = o.htpasswd ?? siteHtpasswd;
      const server = await startServer({
        storeDir: o.store,
        host,
        port,
        log,
        htpasswd,
        anonymousPull: o.anonymousPull !== false,
        allowDelete: !!o.allowDelete,
        site,
        accessLog: o.accessLog !== false,
        tls: tlsFiles ? readTlsFiles(tlsFiles) : undefined,
        repoKey: o.repoKey,
        caPem: site?.http?.tls?.ca ? readCa(sitePath(o.site, site.http.tls.ca)) : undefined,
      });
      const result = { url: server.url, dashboard: `${server.url}/ui/`, ...server.network };
      printResult(o, result, () =>
        [
          `airlock serving ${server.store.paths.root}`,
          `  http ${server.url}`,
          `  web  ${server.url}/ui/ (dashboard)`,
          ...(server.network.dns ?? []).map((a) => `  dns  ${a} (udp+tcp)`),
          ...(server.network.ntp ?? []).map((a) => `  ntp  ${a} (udp)`),
        ].join('\n'),
      );
      // SIGHUP: site.yaml (DNS zone), the htpasswd file and the certificate, read again without a restart.
      const stopReloading = reloadOnHangup(log, async () => {
        const next = o.site ? loadSite(o.site, { option: '--site' }) : undefined;
        return (await server.reload({ htpasswd, tls: tlsFiles ? readTlsFiles(tlsFiles) : undefined, site: next })).restart;
      });
      await untilSignal();
      stopReloading();
      await server.close();
    });
}
