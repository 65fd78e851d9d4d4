// Ansible facts that download URLs use, for a target architecture named the Kubernetes way.
import { AirlockError } from '../core/errors.js';

const MACHINE: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ppc64le: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function archFacts(arch: string): Record<string, string> {
  const machine = MACHINE[arch];
  if (!machine) throw new AirlockError('USAGE', `unknown architecture ${arch}`, { hint: `use one of ${Object.keys(MACHINE).join(', ')}` });
  return { host_architecture: arch, image_arch: arch, ansible_architecture: machine, ansible_system: 'Linux' };
}
