/**
 * Lookup arrays by id, for the model's hot loops (issue 14 item 4: the device lives here so
 * that the submodels read like their equations). A loop over relationships or ties that needs
 * one number of the buyer, partner or supplier group at the other end reads it from a short
 * typed array by id instead of loading the agent's object and its configuration object each
 * time. The arrays are built once per step by the body makers (a few hundred entries), so they
 * always hold the current values; nothing here changes a result.
 */

/**
 * `value(items[j])` for each j, in a Float64Array of items.length entries. A plain loop:
 * Float64Array.from with a map function goes through the iterator protocol, about 100 ns an
 * element (measured on 1,820 partners, docs/performance.md, session 11).
 */
export function numbersById<T>(items: readonly T[], value: (item: T) => number): Float64Array {
  const out = new Float64Array(items.length);
  for (let j = 0; j < items.length; j++) out[j] = value(items[j]);
  return out;
}

/**
 * `value(items[j], f)` for each j and f = 0 .. width - 1, at `width × j + f` of a Float64Array
 * of width × items.length entries: a per-function row for each item (know-how, guards as 0/1).
 */
export function rowsById<T>(
  items: readonly T[],
  width: number,
  value: (item: T, f: number) => number,
): Float64Array {
  const out = new Float64Array(width * items.length);
  for (let j = 0; j < items.length; j++) {
    for (let f = 0; f < width; f++) out[width * j + f] = value(items[j], f);
  }
  return out;
}

/** once's results, by key object and then by builder. */
const built = new WeakMap<object, Map<unknown, unknown>>();

/**
 * `build(key)`, computed on the first call for this key and builder and returned again on later
 * calls while `key` lives (a WeakMap: a key's results go with it). Only for lookup arrays of
 * data that never change after they are created, such as a world's partners (createPartners);
 * the caller must not write into the result.
 */
export function once<K extends object, V>(key: K, build: (key: K) => V): V {
  let results = built.get(key);
  if (results === undefined) {
    results = new Map();
    built.set(key, results);
  }
  if (!results.has(build)) results.set(build, build(key));
  return results.get(build) as V;
}
