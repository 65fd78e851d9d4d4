// The Go environment on nodes: `go` fetches modules from the admin server's GOPROXY at /go/ and never
// from the internet (",off": no direct fallback), uses the toolchain installed (no toolchain download).
// sum.golang.org is unreachable, so checksum-database verification is turned off and the files say so,
// naming the setting that turns it back on when the store carries proofs (nodeconfig does not read them).
import type { NodeEndpoints } from './endpoints.js';
import type { RenderedFile } from './rendered.js';

export function goEnvironment(ep: NodeEndpoints): Record<string, string> {
  return {
    GOPROXY: `${ep.filesUrl}/go,off`,
    GOSUMDB: 'off',
    GOTOOLCHAIN: 'local',
  };
}

const WHY = [
  'airlock nodeconfig: Go modules come from the admin server only.',
  'GOSUMDB=off: checksum-database verification is OFF. sum.golang.org is not reachable here; go.sum',
  'files in each module are still verified, and airlock recorded every zip’s go.sum hash (h1:).',
  'If the store carries checksum-database proofs (`go:` entries with `sumdb:`), turn verification back',
  'on: GOSUMDB=sum.golang.org (or the verifier key given as sumdb:); go then reads the proofs through',
  'GOPROXY. Modules uploaded to airlock are in no checksum database: list them in GONOSUMDB.',
];

export function renderGo(ep: NodeEndpoints): RenderedFile[] {
  const env = Object.entries(goEnvironment(ep));
  return [
    // Login shells (bash, dash, zsh in sh mode) read /etc/profile.d/*.sh.
    { path: 'etc/profile.d/airlock-go.sh', content: [...WHY.map((l) => `# ${l}`), ...env.map(([k, v]) => `export ${k}='${v}'`), ''].join('\n') },
    // systemd user sessions and services started with the user manager read environment.d.
    { path: 'etc/environment.d/60-airlock-go.conf', content: [...WHY.map((l) => `# ${l}`), ...env.map(([k, v]) => `${k}=${v}`), ''].join('\n') },
  ];
}
