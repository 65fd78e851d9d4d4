// Forwarding to the site's resolvers for names outside our zones. Each upstream query gets a random ID
// and a fresh socket (so a kernel-chosen random source port), accepts only a reply from the server it
// was sent to with the same ID and question, retries over TCP when the reply is truncated, and gives up
// on a server after a timeout to try the next one.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Endpoint } from '../config/site.js';
import { TC } from './wire.js';

export interface ForwarderOptions {
  servers: Endpoint[];
  timeoutMs?: number;
}

export class Forwarder {
  private readonly servers: Endpoint[];
  private readonly timeoutMs: number;
  private next = 0;

  constructor(opts: ForwarderOptions) {
    this.servers = opts.servers;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** Ask the forwarders (starting with a rotating one) until one answers; undefined when none does. */
  async query(question: Buffer): Promise<dnsPacket.Packet | undefined> {
    const start = this.next++ % this.servers.length;
    for (let i = 0; i < this.servers.length; i++) {
      const server = this.servers[(start + i) % this.servers.length]!;
      const id = randomInt(0x10000);
      const query = upstreamQuery(id, question);
      try {
        const reply = await this.udp(server, query, id, question);
        if (!(reply.flags! & TC)) return reply;
        return await this.tcp(server, query, id, question);
      } catch {
        // timeout, refused port, mismatched reply: try the next forwarder
      }
    }
    return undefined;
  }

  private udp(server: Endpoint, query: Buffer, id: number, question: Buffer): Promise<dnsPacket.Packet> {
    return new Promise((resolve, reject) => {
      const sock = dgram.createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
      const done = (err: Error | null, reply?: dnsPacket.Packet) => {
        clearTimeout(timer);
        sock.close();
        if (err) reject(err);
        else resolve(reply!);
      };
      const timer = setTimeout(() => done(new Error('timeout')), this.timeoutMs);
      sock.on('error', (err) => done(err));
      sock.on('message', (msg, rinfo) => {
        if (rinfo.address !== server.host || rinfo.port !== server.port) return; // spoof guard
        const reply = matching(msg, id, question);
        if (reply) done(null, reply);
      });
      // exclusive: a port of our own even under --workers (cluster would otherwise share one)
      sock.bind({ port: 0, exclusive: true }, () => sock.send(query, server.port, server.host));
    });
  }

  private tcp(server: Endpoint, query: Buffer, id: number, question: Buffer): Promise<dnsPacket.Packet> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: server.host, port: server.port });
      let buf = Buffer.alloc(0);
      sock.setTimeout(this.timeoutMs, () => sock.destroy(new Error('timeout')));
      sock.on('error', reject);
      sock.on('close', () => reject(new Error('closed before a reply')));
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.write(Buffer.concat([len, query]));
      });
      sock.on('data', (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        const reply = matching(buf.subarray(2, 2 + buf.readUInt16BE(0)), id, question);
        sock.destroy();
        if (reply) resolve(reply);
        else reject(new Error('mismatched reply'));
      });
    });
  }
}

/** Header (RD, one question, one OPT) + the client's question bytes + OPT advertising 1232. */
function upstreamQuery(id: number, question: Buffer): Buffer {
  const out = Buffer.alloc(12 + question.length + 11);
  out.writeUInt16BE(id, 0);
  out.writeUInt16BE(0x0100, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(1, 10);
  question.copy(out, 12);
  const o = 12 + question.length;
  out.writeUInt16BE(41, o + 1);
  out.writeUInt16BE(1232, o + 3);
  return out;
}

/** The decoded reply when it answers exactly our query (ID, QR, same question), else undefined. */
function matching(msg: Buffer, id: number, question: Buffer): dnsPacket.Packet | undefined {
  if (msg.length < 12 + question.length || msg.readUInt16BE(0) !== id || !(msg[2]! & 0x80)) return undefined;
  if (msg.readUInt16BE(4) !== 1) return undefined;
  const echoed = msg.subarray(12, 12 + question.length);
  if (echoed.toString('latin1').toLowerCase() !== question.toString('latin1').toLowerCase()) return undefined;
  try {
    return dnsPacket.decode(msg);
  } catch {
    return undefined;
  }
}
