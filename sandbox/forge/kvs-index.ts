import type { EntityIndex } from './entity-schema';

/**
 * The KVS emulator's indexes: for each entity index and partition, the rows sorted as Forge returns them
 * (by the range attribute, then by key), kept up to date on every write, delete and expiry, so a query walks
 * only its partition from its cursor instead of filtering every stored entity. The plain store keeps its keys
 * sorted the same way (a `beginsWith` query walks from the prefix). Queries see exactly what a full scan saw:
 * the emulator still checks every condition on each row it returns; the index only says where to start and stop.
 */

/** A row's place in an index: its range value and its key (a cursor names the last one returned). */
export interface IndexPosition {
  r: unknown;
  k: string;
}

export function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function compareRows(ra: unknown, ka: string, rb: unknown, kb: string): number {
  return compare(ra, rb) || (ka < kb ? -1 : ka > kb ? 1 : 0);
}

const comparePositions = (a: IndexPosition, b: IndexPosition) => compareRows(a.r, a.k, b.r, b.k);

/** Rows ordered by (range, key), ascending. */
export class SortedRows {
  readonly rows: IndexPosition[] = [];

  /** The first index whose row makes `after` true; `after` must be false, then true, along the rows. */
  firstWhere(after: (row: IndexPosition) => boolean): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (after(this.rows[mid] as IndexPosition)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  insert(position: IndexPosition): void {
    const i = this.firstWhere((row) => comparePositions(row, position) >= 0);
    const at = this.rows[i];
    if (at && comparePositions(at, position) === 0) return;
    this.rows.splice(i, 0, position);
  }

  remove(position: IndexPosition): void {
    const i = this.firstWhere((row) => comparePositions(row, position) >= 0);
    const at = this.rows[i];
    if (at && comparePositions(at, position) === 0) this.rows.splice(i, 1);
  }
}

/**
 * The slice [from, to) of `rows` that a range condition can match. Conditions that do not bound the range
 * (NOT_EQUAL_TO, EXISTS, CONTAINS…) give the whole partition; every row is checked against the condition anyway.
 */
export function rangeBounds(
  rows: SortedRows,
  range: { condition: string; values: unknown[] } | undefined,
): { from: number; to: number } {
  const all = { from: 0, to: rows.rows.length };
  if (!range) return all;
  const [v0, v1] = range.values;
  const atLeast = (v: unknown) => rows.firstWhere((row) => compare(row.r, v) >= 0);
  const above = (v: unknown) => rows.firstWhere((row) => compare(row.r, v) > 0);
  switch (range.condition) {
    case 'EQUAL_TO':
      return { from: atLeast(v0), to: above(v0) };
    case 'BETWEEN':
      return { from: atLeast(v0), to: above(v1) };
    case 'GREATER_THAN':
      return { from: above(v0), to: all.to };
    case 'GREATER_THAN_EQUAL_TO':
      return { from: atLeast(v0), to: all.to };
    case 'LESS_THAN':
      return { from: 0, to: atLeast(v0) };
    case 'LESS_THAN_EQUAL_TO':
      return { from: 0, to: above(v0) };
    case 'BEGINS_WITH': {
      // Strings with a prefix sit together, from the prefix itself up to the first larger string without it.
      const prefix = String(v0);
      const from = atLeast(prefix);
      const to = rows.firstWhere((row) => compare(row.r, prefix) >= 0 && !String(row.r).startsWith(prefix));
      return { from, to: Math.max(from, to) };
    }
    default:
      return all;
  }
}

/**
 * The positions of a slice in the order asked for, starting after the cursor's position: a cursor is the last
 * row returned, not an offset, so rows written between pages never shift the next page.
 */
export function* walk(
  rows: SortedRows,
  bounds: { from: number; to: number },
  order: 'ASC' | 'DESC',
  after: IndexPosition | null,
): Generator<IndexPosition> {
  let { from, to } = bounds;
  if (after && order === 'ASC')
    from = Math.max(
      from,
      rows.firstWhere((row) => comparePositions(row, after) > 0),
    );
  if (after && order === 'DESC')
    to = Math.min(
      to,
      rows.firstWhere((row) => comparePositions(row, after) >= 0),
    );
  // A copy of the slice: the caller may drop an expired row from the index while walking.
  const slice = rows.rows.slice(from, Math.max(from, to));
  if (order === 'DESC') slice.reverse();
  yield* slice;
}

function attrOf(value: unknown, attr: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[attr] : undefined;
}

/** Every declared index of one entity: partition (its values as JSON) → sorted rows. */
export class EntityIndexes {
  private readonly byIndex = new Map<string, Map<string, SortedRows>>();

  constructor(private readonly indexes: readonly EntityIndex[]) {
    for (const index of indexes) this.byIndex.set(index.name, new Map());
  }

  static partitionKey(values: readonly unknown[]): string {
    return JSON.stringify(values);
  }

  /** The rows of one partition of an index (empty if nothing is stored there). */
  partition(indexName: string, values: readonly unknown[]): SortedRows {
    return this.byIndex.get(indexName)?.get(EntityIndexes.partitionKey(values)) ?? new SortedRows();
  }

  add(key: string, value: unknown): void {
    for (const { partitions, pkey, r } of this.placesOf(value)) {
      let rows = partitions.get(pkey);
      if (!rows) partitions.set(pkey, (rows = new SortedRows()));
      rows.insert({ r, k: key });
    }
  }

  remove(key: string, value: unknown): void {
    for (const { partitions, pkey, r } of this.placesOf(value)) {
      const rows = partitions.get(pkey);
      rows?.remove({ r, k: key });
      if (rows?.rows.length === 0) partitions.delete(pkey);
    }
  }

  /**
   * Where the value sits in each index. An item without the range attribute is not in the index (a sparse
   * index, as in DynamoDB underneath); one without a partition attribute cannot match any query.
   */
  private *placesOf(value: unknown): Generator<{ partitions: Map<string, SortedRows>; pkey: string; r: unknown }> {
    for (const index of this.indexes) {
      const r = attrOf(value, index.range);
      const partition = index.partition.map((attr) => attrOf(value, attr));
      if (r === undefined || partition.some((p) => p === undefined)) continue;
      const partitions = this.byIndex.get(index.name) as Map<string, SortedRows>;
      yield { partitions, pkey: EntityIndexes.partitionKey(partition), r };
    }
  }
}

/** The plain store's keys in order, for `beginsWith` queries (its rows have no range value, only keys). */
export class KeyOrder {
  readonly rows = new SortedRows();
  add(key: string): void {
    this.rows.insert({ r: null, k: key });
  }
  remove(key: string): void {
    this.rows.remove({ r: null, k: key });
  }
}
