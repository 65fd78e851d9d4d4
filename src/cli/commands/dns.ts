// airlock dns --site FILE [--listen HOST:PORT …] [--workers N] [--json]
import type { Command } from 'commander';
import { registerNetworkService } from './network-service.js';

export function register(program: Command): void {
  registerNetworkService(program, 'dns', 'serve DNS for the site: authoritative for its domain and reverse zones, forwarding for allowed clients', 'udp+tcp');
}
