// Loading the ruleset: `nft -f -` with the text on stdin, so what is applied is exactly what
// `airlock gateway` prints. Needs root (CAP_NET_ADMIN) in the namespace it runs in.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AirlockError } from '../core/errors.js';

export interface ApplyOptions {
  /** Run nft inside this network namespace (`ip netns exec NS nft …`); tests use it. */
  netns?: string;
}

export function applyRuleset(ruleset: string, opts: ApplyOptions = {}): Promise<void> {
  const argv = opts.netns ? ['ip', 'netns', 'exec', opts.netns, 'nft', '-f', '-'] : ['nft', '-f', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) =>
      reject(new AirlockError('UNSUPPORTED', `cannot run nft: ${err.message}`, { hint: 'install nftables (apt-get install nftables)', cause: err })),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const denied = /Operation not permitted|Permission denied/.test(stderr);
      reject(
        new AirlockError(denied ? 'DENIED' : 'INTERNAL', `nft -f failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`, {
          hint: denied ? 'run as root (CAP_NET_ADMIN)' : 'run `airlock gateway --site FILE | nft -c -f -` to see the full error',
        }),
      );
    });
    child.stdin.end(ruleset);
  });
}

/** Forwarding must be on for the rules to matter; tell the user when it is off. */
export function forwardingEnabled(): boolean | undefined {
  try {
    return readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim() === '1';
  } catch {
    return undefined;
  }
}
