// A response body from the upstream client: an async iterable of Buffers with node:http's own
// backpressure (the socket stops reading while the consumer is busy), plus the few readers kinds use.
import type { IncomingMessage } from 'node:http';
import { arrayBuffer, json, text } from 'node:stream/consumers';

/** Bodies up to this size are read to the end so the connection can be reused; longer ones are cut. */
const DUMP_LIMIT = 128 * 1024;

export class ResponseBody implements AsyncIterable<Buffer> {
  constructor(private readonly message: IncomingMessage) {}

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.message[Symbol.asyncIterator]();
  }

  text(): Promise<string> {
    return text(this.message);
  }

  json(): Promise<unknown> {
    return json(this.message);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return arrayBuffer(this.message);
  }

  /** Discard the body: read a short one to the end (keeping the connection), close the connection on a long one. */
  async dump(): Promise<void> {
    const length = Number(this.message.headers['content-length'] ?? NaN);
    if (!this.message.complete && length > DUMP_LIMIT) return void this.message.destroy();
    let read = 0;
    try {
      for await (const chunk of this.message) {
        read += (chunk as Buffer).length;
        if (read > DUMP_LIMIT) break; // leaving the loop destroys the message and its socket
      }
    } catch {
      // the connection broke while we were throwing the bytes away anyway
    }
  }
}
