// What the HTTP benchmarks share: a free loopback port, waiting for a server, nginx as the peer (one
// worker, sendfile, no access log, temp paths under its own directory) and one wrk run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

export async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

/** nginx serving `root` on a free port; `tls` = { cert, key } for HTTPS. Returns { port, process }. */
export async function startNginx(dir, root, tls) {
  const port = await freePort();
  const conf = join(dir, 'nginx', 'nginx.conf');
  mkdirSync(join(dir, 'nginx', 'logs'), { recursive: true });
  writeFileSync(conf, `worker_processes 1; error_log ${dir}/nginx/logs/error.log; pid ${dir}/nginx/nginx.pid;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${dir}/nginx/t1; proxy_temp_path ${dir}/nginx/t2; fastcgi_temp_path ${dir}/nginx/t3; uwsgi_temp_path ${dir}/nginx/t4; scgi_temp_path ${dir}/nginx/t5;
  server { listen 127.0.0.1:${port}${tls ? ` ssl; ssl_certificate ${tls.cert}; ssl_certificate_key ${tls.key}` : ''}; root ${root}; } }`);
  const process = spawn('nginx', ['-p', join(dir, 'nginx'), '-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  return { port, process };
}

/** Requests and bytes per second of one `wrk -t1` run. */
export function wrk(url, connections, seconds) {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, url], { encoding: 'utf8' });
  const m = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(out);
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[m[2]];
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]), bytesPerSec: Number(m[1]) * unit };
}
