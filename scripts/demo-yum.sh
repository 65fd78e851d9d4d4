#!/bin/sh
# Makes data/demo-yum/: the demo's stand-in for a signed YUM repository (one noarch package and one it
# requires, signed RPM headers, createrepo_c metadata, a detached repomd.xml.asc), with a key made for it
# whose private half is thrown away. The demo serves these files as they are; run this only to change them.
#   sh scripts/demo-yum.sh   (needs rpmbuild, rpmsign, createrepo_c, gpg)
set -eu
out=$(cd "$(dirname "$0")/.." && pwd)/data/demo-yum
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --no-tty --passphrase '' --quick-gen-key 'airlock demo YUM archive <yum@example.invalid>' rsa3072 sign never
key=$(gpg --batch --with-colons --list-keys | awk -F: '/^fpr/ {print $10; exit}')
cat > "$work/hello.spec" <<'SPEC'
Name: airlock-hello
Version: 1.0
Release: 1
Summary: airlock demo package
License: Apache-2.0
BuildArch: noarch
Requires: airlock-hello-data >= 1.0
%description
Hello from the air-gapped side.
%package -n airlock-hello-data
Summary: airlock demo data
%description -n airlock-hello-data
hello data
%install
mkdir -p %{buildroot}/usr/share/airlock-hello %{buildroot}/usr/share/airlock-hello-data
echo 'Hello from the air-gapped side.' > %{buildroot}/usr/share/airlock-hello/README
echo 'hello data' > %{buildroot}/usr/share/airlock-hello-data/README
%files
/usr/share/airlock-hello/README
%files -n airlock-hello-data
/usr/share/airlock-hello-data/README
SPEC
rpmbuild -bb --quiet --define "_topdir $work/build" --define '_build_id_links none' --define 'source_date_epoch_from_changelog 0' "$work/hello.spec"
rm -rf "$out" && mkdir -p "$out/Packages"
cp "$work"/build/RPMS/noarch/*.rpm "$out/Packages/"
rpmsign --define "_gpg_name $key" --define "_gpg_path $GNUPGHOME" --define '__gpg /usr/bin/gpg' --addsign "$out"/Packages/*.rpm >/dev/null
createrepo_c --quiet --no-database "$out"
gpg --batch --yes --armor --detach-sign -u "$key" "$out/repodata/repomd.xml"
gpg --batch --armor --export "$key" > "$out/RPM-GPG-KEY-airlock-demo"
echo "made $out (key $key)"
