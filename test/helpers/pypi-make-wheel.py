# Writes a minimal, installable wheel (RECORD with hashes) for the pypi tests:
#   pypi-make-wheel.py OUTDIR NAME VERSION TAG [--requires-python SPEC] [--requires DEP]... [--extra NAME]...
import argparse, base64, hashlib, os, zipfile

p = argparse.ArgumentParser()
p.add_argument('out'); p.add_argument('name'); p.add_argument('version'); p.add_argument('tag')
p.add_argument('--requires-python'); p.add_argument('--requires', action='append', default=[])
p.add_argument('--extra', action='append', default=[])
a = p.parse_args()

module = a.name.replace('-', '_')
dist = f'{module}-{a.version}.dist-info'
meta = ['Metadata-Version: 2.1', f'Name: {a.name}', f'Version: {a.version}']
if a.requires_python: meta.append(f'Requires-Python: {a.requires_python}')
meta += [f'Provides-Extra: {e}' for e in a.extra] + [f'Requires-Dist: {r}' for r in a.requires]
purelib = a.tag.endswith('-none-any')
files = {
    f'{module}/__init__.py': f'VERSION = "{a.version}"\n',
    f'{dist}/METADATA': '\n'.join(meta) + '\n\n',
    f'{dist}/WHEEL': f'Wheel-Version: 1.0\nGenerator: airlock-tests\nRoot-Is-Purelib: {"true" if purelib else "false"}\nTag: {a.tag}\n',
}
def digest(data):
    return 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
record = ''.join(f'{n},{digest(c.encode())},{len(c.encode())}\n' for n, c in files.items()) + f'{dist}/RECORD,,\n'
files[f'{dist}/RECORD'] = record
path = os.path.join(a.out, f'{module}-{a.version}-{a.tag}.whl')
with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
    for n, c in files.items():
        info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0)); info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, c)
print(path)
