/** A map that forgets its least recently used entries beyond a count and a total size. */
export class LeastRecentlyUsed<V> {
  private readonly entries = new Map<string, V>();
  private size = 0;
  constructor(
    private readonly maxEntries: number,
    private readonly sizeOf: (value: V) => number,
    private readonly maxSize = Infinity,
  ) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    if (this.sizeOf(value) > this.maxSize) return;
    this.entries.set(key, value);
    this.size += this.sizeOf(value);
    while (this.entries.size > this.maxEntries || this.size > this.maxSize) this.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.size -= this.sizeOf(value);
  }
}
