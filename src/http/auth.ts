// Credentials for write access (and for reads when anonymous access is off): an Apache htpasswd file
// with bcrypt entries (`htpasswd -B`) checked with bcryptjs, and HTTP Basic authentication.
// Passwords never reach a log: only user names do. Successful checks are cached for a minute under a
// hash of the credentials, because bcrypt costs ~50-100 ms and a push makes hundreds of requests.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { AirlockError } from '../core/errors.js';

export interface Credentials {
  user: string;
  password: string;
}

/** Decode an `Authorization: Basic …` header; undefined when absent, not Basic, or malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export interface Authenticator {
  /** The user name when the header carries valid credentials; undefined when absent; null when wrong. */
  check(header: string | undefined): Promise<string | undefined | null>;
  readonly realm: string;
}

export class HtpasswdAuth implements Authenticator {
  private readonly cache = new Map<string, { user: string; until: number }>();

  private constructor(
    private users: Map<string, string>,
    readonly realm: string,
  ) {}

  /** Take the users of another, already parsed file (SIGHUP); cached logins of removed users go too. */
  replaceUsers(from: HtpasswdAuth): void {
    this.users = from.users;
    this.cache.clear();
  }

  static fromFile(file: string, realm = 'airlock'): HtpasswdAuth {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AirlockError('CONFIG_INVALID', `cannot read htpasswd file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
        hint: 'create it with `htpasswd -Bc FILE USER`',
      });
    }
    return HtpasswdAuth.fromText(text, file, realm);
  }

  static fromText(text: string, where = 'htpasswd', realm = 'airlock'): HtpasswdAuth {
    const users = new Map<string, string>();
    text.split(/\r?\n/).forEach((line, i) => {
      if (!line.trim() || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      const user = line.slice(0, colon);
      const hash = line.slice(colon + 1).trim();
      if (colon <= 0 || !/^\$2[abxy]\$\d\d\$/.test(hash)) {
        throw new AirlockError('CONFIG_INVALID', `line ${i + 1}: only bcrypt entries are supported`, {
          where: `${where}:${i + 1}`,
          hint: 'write entries with `htpasswd -B` (bcrypt); MD5, SHA1 and crypt entries are refused',
        });
      }
      users.set(user, hash);
    });
    return new HtpasswdAuth(users, realm);
  }

  async check(header: string | undefined): Promise<string | undefined | null> {
    const creds = parseBasicAuth(header);
    if (!creds) return header ? null : undefined;
    // Some clients send empty Basic credentials when they have none: that is anonymous.
    if (creds.user === '' && creds.password === '') return undefined;
    const key = createHash('sha256').update(header!).digest('hex');
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.user;
    const hash = this.users.get(creds.user);
    if (!hash || !(await bcrypt.compare(creds.password, hash))) return null;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { user: creds.user, until: now + 60_000 });
    return creds.user;
  }
}

export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/"/g, '')}"`;
}
