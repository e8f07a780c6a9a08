/**
 * Original line numbers of the lines the filter let through, consumed in order by the parser's
 * records. A growable ring of uint32 (a chunk's worth at most), off the JS heap.
 */
export class LineQueue {
  private items = new Uint32Array(8192);
  private head = 0;
  private size = 0;
  push(n: number): void {
    if (this.size === this.items.length) {
      const bigger = new Uint32Array(this.items.length * 2);
      for (let i = 0; i < this.size; i++) bigger[i] = this.items[(this.head + i) % this.items.length]!;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = n;
    this.size++;
  }
  shift(): number | undefined {
    if (this.size === 0) return undefined;
    const n = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return n;
  }
  get pending(): number {
    return this.size;
  }
}
