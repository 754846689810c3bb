import { randomInt } from 'node:crypto';

/** Slots of a new table (a power of two). */
const INITIAL_CAPACITY = 1 << 10;
/** The marker of an empty slot in `values` (values are non-negative). */
const EMPTY = -1;

/**
 * A hash table from dedupe digests (non-negative integers below 2⁵³, see `eventKeyDigest`) to small
 * non-negative integers, held in two typed arrays: 12 bytes per slot, at most half of them used.
 *
 * A lane's dedupe window holds up to millions of ids. In a `Map`, every one of them is a heap
 * number (its key) and a hash-table entry that the garbage collector walks on every full
 * collection; here they are plain memory the collector never looks into, and a lookup is a few
 * array reads. Open addressing with linear probing; a removal shifts the entries that follow it
 * back, so that no probe sequence is broken and no tombstones accumulate.
 *
 * Slots are chosen by the digest's low 32 bits mixed with a secret per table (Fibonacci hashing):
 * digests are SHA-256 prefixes of ids a producer chooses, and without the secret a producer could
 * choose ids whose digests crowd one run of slots.
 */
export class DigestTable {
  private keys: Float64Array;
  private values: Int32Array;
  /** log2 of the capacity. */
  private bits: number;
  private count = 0;
  private readonly secret = randomInt(0, 2 ** 32) | 0;

  constructor() {
    this.bits = Math.log2(INITIAL_CAPACITY);
    this.keys = new Float64Array(INITIAL_CAPACITY);
    this.values = new Int32Array(INITIAL_CAPACITY).fill(EMPTY);
  }

  /** Entries held. */
  get size(): number {
    return this.count;
  }

  /** The value of `key`, or undefined. */
  get(key: number): number | undefined {
    const mask = this.values.length - 1;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      const value = this.values[slot] as number;
      if (value === EMPTY) return undefined;
      if (this.keys[slot] === key) return value;
    }
  }

  /** Sets the value of `key` (a non-negative 32-bit integer). */
  set(key: number, value: number): void {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0x7fffffff)) throw new RangeError(`a digest table holds integers from 0 to 2³¹ − 1, got ${value}`);
    if ((this.count + 1) * 2 > this.values.length) this.resize(this.bits + 1);
    const mask = this.values.length - 1;
    for (let slot = this.home(key); ; slot = (slot + 1) & mask) {
      if (this.values[slot] === EMPTY) {
        this.keys[slot] = key;
        this.values[slot] = value;
        this.count += 1;
        return;
      }
      if (this.keys[slot] === key) {
        this.values[slot] = value;
        return;
      }
    }
  }

  /** Removes `key`; whether it was there. */
  delete(key: number): boolean {
    const mask = this.values.length - 1;
    let hole = this.home(key);
    for (; ; hole = (hole + 1) & mask) {
      if (this.values[hole] === EMPTY) return false;
      if (this.keys[hole] === key) break;
    }
    this.values[hole] = EMPTY;
    this.count -= 1;
    // Shift back every entry of the run after the hole that may not stay behind it.
    for (let slot = (hole + 1) & mask; this.values[slot] !== EMPTY; slot = (slot + 1) & mask) {
      const home = this.home(this.keys[slot] as number);
      // The entry stays where it is when its home lies cyclically in (hole, slot].
      const stays = hole <= slot ? hole < home && home <= slot : hole < home || home <= slot;
      if (stays) continue;
      this.keys[hole] = this.keys[slot] as number;
      this.values[hole] = this.values[slot] as number;
      this.values[slot] = EMPTY;
      hole = slot;
    }
    // Give memory back once the window has shrunk to an eighth of the table.
    if (this.values.length > INITIAL_CAPACITY && this.count * 8 < this.values.length) this.resize(this.bits - 1);
    return true;
  }

  private home(key: number): number {
    // `key | 0` is the digest's low 32 bits; the multiply spreads them over the top `bits` bits.
    return Math.imul((key | 0) ^ this.secret, 0x9e3779b1) >>> (32 - this.bits);
  }

  private resize(bits: number): void {
    const keys = this.keys;
    const values = this.values;
    this.bits = bits;
    this.keys = new Float64Array(1 << bits);
    this.values = new Int32Array(1 << bits).fill(EMPTY);
    this.count = 0;
    for (let slot = 0; slot < values.length; slot++) {
      const value = values[slot] as number;
      if (value !== EMPTY) this.set(keys[slot] as number, value);
    }
  }
}
