// A streaming multipart/form-data reader for the legacy upload API: small fields are collected, the one
// file part is handed on as a stream, so an upload never sits in memory whole.

export interface Part {
  name: string;
  filename: string;
}

const FIELD_LIMIT = 1 << 20;

export async function readMultipart<R>(body: AsyncIterable<Buffer>, boundary: string, onFile: (part: Part, fields: Map<string, string>, data: AsyncIterable<Buffer>) => Promise<R>): Promise<{ fields: Map<string, string>; file?: R }> {
  const it = body[Symbol.asyncIterator]();
  let buf = Buffer.from('\r\n');
  const more = async () => {
    const next = await it.next();
    if (next.done) throw new Error('the form ends before its closing boundary');
    buf = Buffer.concat([buf, next.value]);
  };
  const delim = Buffer.from(`\r\n--${boundary}`);
  const takeUntil = async (marker: Buffer, limit: number): Promise<Buffer> => {
    for (;;) {
      const at = buf.indexOf(marker);
      if (at >= 0) {
        const out = Buffer.from(buf.subarray(0, at));
        buf = buf.subarray(at + marker.length);
        return out;
      }
      if (buf.length > limit) throw new Error('a form field is too large');
      await more();
    }
  };
  async function* streamUntil(marker: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = buf.indexOf(marker);
      if (at >= 0) {
        if (at > 0) yield Buffer.from(buf.subarray(0, at));
        buf = buf.subarray(at + marker.length);
        return;
      }
      const keep = marker.length - 1;
      if (buf.length > keep) {
        yield Buffer.from(buf.subarray(0, buf.length - keep));
        buf = buf.subarray(buf.length - keep);
      }
      await more();
    }
  }
  const fields = new Map<string, string>();
  let file: R | undefined;
  await takeUntil(delim, FIELD_LIMIT); // the preamble
  for (;;) {
    while (buf.length < 2) await more();
    if (buf.subarray(0, 2).toString() === '--') break;
    buf = buf.subarray(2);
    const head = (await takeUntil(Buffer.from('\r\n\r\n'), 16_384)).toString('utf8');
    const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (filename !== undefined && file === undefined) file = await onFile({ name, filename }, fields, streamUntil(delim));
    else if (filename !== undefined) for await (const _ of streamUntil(delim)) void _;
    else fields.set(name, (await takeUntil(delim, FIELD_LIMIT)).toString('utf8'));
  }
  return { fields, file };
}
