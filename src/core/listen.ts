// "HOST:PORT" listen addresses, as the CLI flags and site.yaml write them. Used by the CLI, the network
// services and the node configuration, so it lives below all of them.
import { AirlockError } from './errors.js';

/** Parse a "host:port" listen address; port 0 means any free port. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new AirlockError('USAGE', `not a listen address: ${JSON.stringify(text)}`, { hint: 'write HOST:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:80' });
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}
