/**
 * Typed arrays reused from one batch to the next, by length: a fresh multi-megabyte one has its pages
 * faulted in on first write and, as external memory, pushes V8 into frequent full garbage collections.
 * An array comes back once its last reader is done; one never given back is left to the GC. Every user
 * overwrites an array completely before reading it.
 */
export class ArrayPool<A extends Float32Array | Uint8Array> {
  private readonly free = new Map<number, A[]>();

  /** `make(length)`: a new array, when none of that length is free; at most `keep` of a length are kept. */
  constructor(
    private readonly make: (length: number) => A,
    private readonly keep: number,
  ) {}

  take(length: number): A {
    return this.free.get(length)?.pop() ?? this.make(length);
  }

  give(...arrays: A[]): void {
    for (const a of arrays) {
      const list = this.free.get(a.length) ?? [];
      if (list.length < this.keep) list.push(a);
      this.free.set(a.length, list);
    }
  }
}
