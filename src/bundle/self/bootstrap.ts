// bootstrap.sh: what an operator runs on a server with nothing installed. POSIX sh with coreutils, tar
// and openssl ≥ 3 only. It checks the TOC's Ed25519 signature with the site public key, SHA256SUMS
// against the digest the signed TOC gives, every chunk and self.txt against SHA256SUMS, then copies the
// runtime blob out of its chunk(s), checks its sha256 against self.txt, unpacks it and runs `airlock load`.
// Nothing from the bundle runs before its signature and hash are checked. The script itself is listed in
// SHA256SUMS: FORMAT.md shows how to check it with the same stock tools before running it.

export const BOOTSTRAP_FILE = 'bootstrap.sh';
export const SELF_INDEX_FILE = 'self.txt';
export const SUMS_FILE = 'SHA256SUMS';

/** self.txt: the runtime blob and where its bytes are, one `part` line per chunk it spans. */
export function selfIndex(runtime: { digest: string; size: number; target: string; node: string }, parts: { file: string; offset: number; size: number }[]): string {
  return [
    `runtime ${runtime.digest.replace(/^sha256:/, '')} ${runtime.size} ${runtime.target} ${runtime.node}`,
    ...parts.map((p) => `part ${p.file} ${p.offset} ${p.size}`),
    '',
  ].join('\n');
}

export const BOOTSTRAP_SH = `#!/bin/sh
# airlock bootstrap: verify this bundle with stock tools, install airlock from it, load it.
#   sh bootstrap.sh --pubkey site.pub [--prefix /opt/airlock] [--store /var/lib/airlock] [-- more load options]
# Needs only a POSIX shell, coreutils, tar and openssl >= 3. Runs nothing from the bundle before its
# signature and sha256 are checked.
set -eu
die() { echo "bootstrap: $*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
pubkey= prefix=/opt/airlock store=/var/lib/airlock
while [ $# -gt 0 ]; do
  case "$1" in
    --pubkey) pubkey=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --store) store=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unknown option $1 (use --pubkey, --prefix, --store, then -- and load options)" ;;
  esac
done
[ -n "$pubkey" ] || die "give the site public key: --pubkey site.pub"
[ -r "$pubkey" ] || die "cannot read $pubkey"
for tool in openssl sha256sum tar dd base64 sed; do command -v "$tool" >/dev/null 2>&1 || die "$tool is missing"; done
work=$(mktemp -d) || die "no temporary directory"
trap 'rm -rf "$work"' EXIT INT TERM

# 1. The TOC's signature, with the site's public key.
sed -n 's/.*"signature": *"\\([A-Za-z0-9+/=]*\\)".*/\\1/p' "$here/bundle.json.sig" | base64 -d > "$work/sig" || die "bundle.json.sig is unreadable"
openssl pkeyutl -verify -pubin -inkey "$pubkey" -rawin -in "$here/bundle.json" -sigfile "$work/sig" >/dev/null 2>&1 \\
  || die "the signature of bundle.json does not verify with $pubkey: do not use this bundle"
echo "bootstrap: bundle.json signature valid"

# 2. SHA256SUMS is the one the signed TOC names; then every chunk and self.txt are what it lists.
want=$(sed -n 's/^ *"sums": *"\\([0-9a-f]*\\)".*/\\1/p' "$here/bundle.json")
have=$(sha256sum "$here/SHA256SUMS" | cut -d' ' -f1)
[ -n "$want" ] && [ "$want" = "$have" ] || die "SHA256SUMS is not the one bundle.json names"
(cd "$here" && sha256sum --quiet -c SHA256SUMS) || die "a file of the bundle does not match SHA256SUMS (named above): copy it again"
echo "bootstrap: every chunk matches its sha256"

# 3. The runtime blob, copied out of its chunk(s) and checked before anything runs.
[ -f "$here/self.txt" ] || die "this bundle carries no airlock runtime (pack it with --self)"
digest=$(sed -n 's/^runtime \\([0-9a-f]*\\) .*/\\1/p' "$here/self.txt")
: > "$work/runtime.tar.gz"
sed -n 's/^part //p' "$here/self.txt" | while read -r file offset size; do
  case "$file" in chunk-[0-9][0-9][0-9][0-9][0-9].tar) ;; *) die "self.txt names $file" ;; esac
  dd if="$here/$file" bs=65536 skip="$offset" count="$size" iflag=skip_bytes,count_bytes status=none >> "$work/runtime.tar.gz"
done
[ "$(sha256sum "$work/runtime.tar.gz" | cut -d' ' -f1)" = "$digest" ] || die "the runtime does not match its sha256"
mkdir -p "$prefix"
tar -xzf "$work/runtime.tar.gz" -C "$prefix" --no-same-owner
echo "bootstrap: airlock installed in $prefix ($(sed -n 's/^runtime [0-9a-f]* [0-9]* \\(.*\\)/\\1/p' "$here/self.txt"))"

# 4. airlock itself verifies everything again, and loads.
exec "$prefix/node/bin/node" "$prefix/airlock/bin/airlock.js" load "$here" --store "$store" --pubkey "$pubkey" "$@"
`;
