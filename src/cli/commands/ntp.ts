// airlock ntp --site FILE [--listen HOST:PORT …] [--workers N] [--json]
import type { Command } from 'commander';
import { registerNetworkService } from './network-service.js';

export function register(program: Command): void {
  registerNetworkService(program, 'ntp', 'serve NTP for the site: the local clock at its stratum, or following its upstream servers', 'udp');
}
