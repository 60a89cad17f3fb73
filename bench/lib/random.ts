/**
 * A seeded PRNG (mulberry32) so every generated input is byte-identical from run to run: a benchmark
 * that changes its input between runs measures the generator, not the engine.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Fills a buffer with pseudo-random bytes, 4 at a time. */
  fill(buffer: Uint8Array): Uint8Array {
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let i = 0;
    for (; i + 4 <= buffer.length; i += 4) view.setUint32(i, (this.next() * 4294967296) >>> 0);
    for (; i < buffer.length; i++) buffer[i] = this.int(0, 255);
    return buffer;
  }
}
