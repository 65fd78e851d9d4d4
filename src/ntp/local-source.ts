// The local clock as the time source: configured stratum, refid "LOCL", no root delay. The reference
// time is "now" (the local clock is, by definition, in step with itself), so the dispersion reported is
// the clock's own precision. One state object, updated in place: no allocation per request.
import type { Clock } from './clock.js';
import { asciiRefid } from './packet.js';
import type { SourceState, TimeSource } from './responder.js';

export class LocalSource implements TimeSource {
  private readonly current: SourceState;

  constructor(
    private readonly clock: Clock,
    stratum: number,
  ) {
    this.current = { leap: 0, stratum, refid: asciiRefid('LOCL'), rootDelay: 0, rootDispersion: 0, reference: 0, offset: 0 };
  }

  state(): SourceState {
    this.current.reference = Math.floor(this.clock.now());
    return this.current;
  }
}
