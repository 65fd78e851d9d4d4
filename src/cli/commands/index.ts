// The explicit list of commands. Each module exports `register(program)`; order is the order in --help.
import type { Command } from 'commander';
import { register as collect } from './collect.js';
import { register as keygen } from './keygen.js';
import { register as pack } from './pack.js';
import { register as verify } from './verify.js';
import { register as load } from './load.js';
import { register as serve } from './serve.js';
import { register as store } from './store.js';
import { register as demo } from './demo.js';
import { register as push } from './push.js';
import { register as dns } from './dns.js';
import { register as ntp } from './ntp.js';
import { register as gateway } from './gateway.js';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [demo, collect, keygen, pack, verify, load, serve, push, store, dns, ntp, gateway];
