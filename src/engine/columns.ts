/**
 * Column tables: an entity's numeric fields as typed arrays, one element (or a block of four)
 * per entity, instead of one object per entity (issue 14, item 1). A pass over all suppliers
 * then streams through a few contiguous arrays, which the processor prefetches, instead of
 * loading one scattered object of some kilobytes per supplier (docs/performance.md: the run is
 * bound by memory latency, not arithmetic).
 *
 * A table's columns are declared once, as a spec mapping each name to its kind:
 * - `f64`: a Float64Array, one double per row (every JavaScript number is a double, so storing
 *   a value and reading it back gives the same bits: outputs cannot change by moving a field);
 * - `f64x4`: a Float64Array with four doubles per row, at [4 x row + k] (by function: process,
 *   product, design, marketing);
 * - `i32`: an Int32Array (counters and steps: integers well inside 32 bits);
 * - `u8`: a Uint8Array (flags and small codes such as a role);
 * - `ref`: an Int32Array holding a row of some table, or NONE (-1) for none (the links of the
 *   lists in src/engine/lists.ts). A new or reused row starts at NONE, not 0: row 0 is a row.
 *
 * Rows are added at the end. A supplier's row is never removed (an exited supplier's record is
 * still written), so its index is stable for the whole run and equals the supplier's id (rows
 * follow creation order). A relationship's row is given back (`release`) once its ended spell has been
 * written, and `add` reuses given-back rows first, so the table stays the size of the live
 * relationships over a run with much churn (a strategic tie's row likewise, as soon as the tie
 * dissolves or its supplier exits). Capacity grows when full (doubling while the table is
 * small, by a quarter once it is large: grownCapacity); the column arrays are then replaced by
 * larger copies inside the same `cols` object, so a holder of `cols` sees the new arrays, while
 * a holder of one array (a loop that cached `cols.cash`) must not add rows while it holds it.
 */

/** Index of a supplier row (equal to the supplier's id). */
export type SupplierIx = number & { readonly __brand: 'Supplier' };
/** Index of a buyer (lead firm) row: its position in world.buyers and its id. */
export type BuyerIx = number & { readonly __brand: 'Buyer' };
/** Index of a partner row: its position in world.partners and its id. */
export type PartnerIx = number & { readonly __brand: 'Partner' };
/** Index of a relationship row. */
export type RelIx = number & { readonly __brand: 'Relationship' };
/** Index of a strategic network tie row. */
export type TieIx = number & { readonly __brand: 'Tie' };

export type ColumnKind = 'f64' | 'f64x4' | 'i32' | 'u8' | 'ref';

/** The value of a `ref` column that refers to no row. */
export const NONE = -1;
export type ColumnSpec = Readonly<Record<string, ColumnKind>>;

type ArrayOf<K extends ColumnKind> = K extends 'f64' | 'f64x4'
  ? Float64Array
  : K extends 'i32' | 'ref'
    ? Int32Array
    : Uint8Array;

/** The column arrays of a table with spec S, by name. */
export type Columns<S extends ColumnSpec> = { [K in keyof S]: ArrayOf<S[K]> };

/** Rows `order[j]` of `column` (width `w`) to rows j, through `scratch` (Table.reorder). */
function gather<A extends Float64Array | Int32Array | Uint8Array>(
  column: A,
  scratch: A,
  order: Int32Array,
  w: number,
): void {
  const n = order.length;
  if (w === 1) for (let j = 0; j < n; j++) scratch[j] = column[order[j]];
  else
    for (let j = 0; j < n; j++) {
      const from = order[j] * w;
      for (let c = 0; c < w; c++) scratch[j * w + c] = column[from + c];
    }
  column.set(scratch.subarray(0, n * w));
}

function width(kind: ColumnKind): number {
  return kind === 'f64x4' ? 4 : 1;
}

/**
 * A column of `rows` rows, zeroed (NONE for `ref`). `shared`: over a SharedArrayBuffer, so that
 * worker threads can read and write the same elements (engine/threads.ts).
 */
function allocate(
  kind: ColumnKind,
  rows: number,
  shared: boolean,
): Float64Array | Int32Array | Uint8Array {
  const n = rows * width(kind);
  const bytes = (kind === 'u8' ? 1 : kind === 'i32' || kind === 'ref' ? 4 : 8) * n;
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  if (kind === 'i32') return new Int32Array(buffer);
  if (kind === 'ref') return new Int32Array(buffer).fill(NONE);
  if (kind === 'u8') return new Uint8Array(buffer);
  return new Float64Array(buffer);
}

/** Tables at least this many rows long grow by a quarter instead of doubling (grownCapacity). */
export const GENTLE_GROWTH_ROWS = 4096;

/**
 * The capacity a full table of `capacity` rows grows to: double while it is small (few copies
 * while a table finds its size), 1.25 times beyond GENTLE_GROWTH_ROWS rows. A large table is
 * sized at the start for its initial rows (init.ts), so it grows by a few entrants, not by as
 * many rows again: the first entrant of a 100,000-supplier world doubled the supplier table
 * (some 37 MB, half of it never used; docs/performance.md, 2026-11-30, session 9). Growing by a
 * quarter copies each row about 4 times over a long run of growth instead of about twice.
 */
export function grownCapacity(capacity: number): number {
  return capacity < GENTLE_GROWTH_ROWS ? 2 * capacity : capacity + Math.ceil(capacity / 4);
}

/** A column's array, its width (elements per row) and the value of a blank row. */
interface Blank<A> {
  array: A;
  width: number;
  blank: number;
}

/**
 * Table.reorder's scratch buffer, grown as needed and kept by its holder from one reorder to
 * the next, so that a compaction makes no garbage of the table's size. Tables reordered one
 * after the other may share one (compaction's relationship and tie tables do: one buffer the
 * size of the larger instead of one each, ~20 bytes per supplier; docs/performance.md,
 * 2026-11-30, session 13).
 */
export class ReorderScratch {
  private buffer = new ArrayBuffer(0);

  /**
   * A buffer of at least `bytes` bytes, in whole doubles (a Float64Array over it): the kept
   * one, or a larger one that is kept from then on.
   */
  atLeast(bytes: number): ArrayBuffer {
    const whole = 8 * Math.ceil(bytes / 8);
    if (this.buffer.byteLength < whole) this.buffer = new ArrayBuffer(whole);
    return this.buffer;
  }
}

/**
 * A stack of rows (row indices) over an Int32Array that grows as grownCapacity says and is never
 * shrunk or replaced while it is big enough: for lists of rows that fill and empty every step
 * (a table's given-back rows, the spells ended in a step). A JavaScript array emptied by
 * `length = 0` drops its storage and grows again by copies at the next step; each copy lives for
 * the rest of the step, outlives the young generation's collections, and V8 counts those bytes
 * when it decides to grow the young generation (docs/performance.md, 2026-12-01, session 16).
 */
export class RowStack<Ix extends number> {
  private buffer = new Int32Array(16);
  /** Rows held. */
  length = 0;

  /** Adds row `ix` at the top. */
  push(ix: Ix): void {
    if (this.length === this.buffer.length) {
      const grown = new Int32Array(grownCapacity(this.buffer.length));
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = ix;
  }

  /** Takes the row at the top off and returns it; NONE when empty. */
  pop(): Ix | typeof NONE {
    return this.length === 0 ? NONE : (this.buffer[--this.length] as Ix);
  }

  /** Empties the stack (its storage is kept for the next time). */
  clear(): void {
    this.length = 0;
  }

  /** The rows held, bottom first, as a view valid until the next push (no copy). */
  get rows(): Int32Array {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * A growable column table. `length`: rows taken so far (given-back rows included); `cols`: the
 * arrays (longer than `length` rows; rows past `length` are zero, NONE in `ref` columns). `Ix`
 * is the branded index type of its rows.
 */
export class Table<S extends ColumnSpec, Ix extends number> {
  readonly spec: S;
  readonly cols: Columns<S>;
  length = 0;
  capacity: number;
  /** How many times the arrays have been replaced (an array or a view taken before is then stale). */
  generation = 0;

  /**
   * Whether the columns are over SharedArrayBuffers (for worker threads; engine/threads.ts), at
   * first and after every growth.
   */
  readonly shared: boolean;

  /**
   * `capacity`: rows to allocate at first (at least 1; grows as grownCapacity says). `shared`:
   * see `shared`.
   */
  constructor(spec: S, capacity = 16, shared = false) {
    this.spec = spec;
    this.shared = shared;
    this.layout = Object.keys(spec).map((name) => ({
      name,
      width: width(spec[name]),
      blank: spec[name] === 'ref' ? NONE : 0,
    }));
    this.capacity = Math.max(1, capacity);
    // Built in one go: an object given this many properties one by one through computed
    // names goes into V8's slow dictionary mode, and every column read would be a hash lookup.
    this.cols = Object.fromEntries(
      Object.keys(spec).map((name) => [name, allocate(spec[name], this.capacity, shared)]),
    ) as Columns<S>;
    this.bindBlanks();
  }

  /** Each column's name, width and the value of a blank row (NONE for `ref`, else 0). */
  private readonly layout: readonly { name: string; width: number; blank: number }[];

  /** Rows given back by `release`, reused last-in first-out by `add`. */
  private readonly released = new RowStack<Ix>();

  /**
   * A zeroed row (`ref` columns at NONE): a given-back one if any, else a new one at the end
   * (growing the capacity when full: grownCapacity). Returns its index.
   */
  add(): Ix {
    const reused = this.released.pop();
    if (reused !== NONE) {
      // Element by element: a row is a few elements per column, too short for fill() to pay.
      // One loop per array type, so that each loop's store sees one kind of array (a store
      // that sees three is polymorphic: it was two thirds of linkSupplierToBuyer).
      for (const { array, width: w, blank } of this.blanksF64) {
        for (let j = 0, at = reused * w; j < w; j++) array[at + j] = blank;
      }
      for (const { array, width: w, blank } of this.blanksI32) {
        for (let j = 0, at = reused * w; j < w; j++) array[at + j] = blank;
      }
      for (const { array, width: w, blank } of this.blanksU8) {
        for (let j = 0, at = reused * w; j < w; j++) array[at + j] = blank;
      }
      return reused;
    }
    if (this.length === this.capacity) this.grow(grownCapacity(this.capacity));
    return this.length++ as Ix;
  }

  /**
   * Each column's array, width and blank value, for blanking a reused row without looking the
   * columns up by name (a keyed lookup per column was most of the cost of `add`); rebuilt when
   * the arrays are replaced.
   */
  private blanks: Blank<Float64Array | Int32Array | Uint8Array>[] = [];
  /** `blanks` by array type, for add. */
  private blanksF64: Blank<Float64Array>[] = [];
  private blanksI32: Blank<Int32Array>[] = [];
  private blanksU8: Blank<Uint8Array>[] = [];

  private bindBlanks(): void {
    const cols = this.cols as Record<string, Float64Array | Int32Array | Uint8Array>;
    this.blanks = this.layout.map(({ name, width: w, blank }) => ({
      array: cols[name],
      width: w,
      blank,
    }));
    this.blanksF64 = this.blanks.filter(
      (b): b is Blank<Float64Array> => b.array instanceof Float64Array,
    );
    this.blanksI32 = this.blanks.filter(
      (b): b is Blank<Int32Array> => b.array instanceof Int32Array,
    );
    this.blanksU8 = this.blanks.filter(
      (b): b is Blank<Uint8Array> => b.array instanceof Uint8Array,
    );
  }

  /** Give row `ix` back for reuse; nothing may read or write it through its old holder after. */
  release(ix: Ix): void {
    this.released.push(ix);
  }

  /**
   * Keeps rows `order[0]`, `order[1]`, … as rows 0, 1, … and drops every other row (given back
   * or not): afterwards `length` is order.length, no row is given back, and the rows past it
   * are blank. The rows move within the column arrays (no array is replaced), each column
   * gathered into `scratch`, which the caller keeps for the next time (garbage of this size at
   * every call raised the peak memory of a 100k-supplier run by tens of megabytes; one scratch
   * may serve several tables: engine/compact.ts); without one, a new one for this call.
   * `order` must hold distinct rows below `length`. Rows that refer to rows of this table
   * (`ref` columns here or elsewhere) must be renumbered by the caller (lists.ts renumber).
   */
  reorder(order: Int32Array, scratch: ReorderScratch = new ReorderScratch()): void {
    const n = order.length;
    // Wide enough for a row of this table's widest column (four doubles in the supplier table,
    // one in the relationship and tie tables).
    const buffer = scratch.atLeast(this.rowBytes * n);
    const f64 = new Float64Array(buffer);
    const i32 = new Int32Array(buffer);
    const u8 = new Uint8Array(buffer);
    for (const { array, width: w, blank } of this.blanks) {
      if (array instanceof Float64Array) gather(array, f64, order, w);
      else if (array instanceof Int32Array) gather(array, i32, order, w);
      else gather(array, u8, order, w);
      array.fill(blank, n * w, this.length * w);
    }
    this.length = n;
    this.released.clear();
  }

  /** Bytes of a row of the widest column: what reorder's scratch holds per row. */
  private get rowBytes(): number {
    let most = 0;
    for (const { name, width: w } of this.layout) {
      const kind = this.spec[name];
      most = Math.max(most, w * (kind === 'u8' ? 1 : kind === 'i32' || kind === 'ref' ? 4 : 8));
    }
    return most;
  }

  private grow(capacity: number): void {
    const cols = this.cols as Record<string, Float64Array | Int32Array | Uint8Array>;
    for (const name of Object.keys(this.spec)) {
      const next = allocate(this.spec[name], capacity, this.shared);
      next.set(cols[name]);
      cols[name] = next;
    }
    this.capacity = capacity;
    this.generation++;
    this.bindBlanks();
  }
}
