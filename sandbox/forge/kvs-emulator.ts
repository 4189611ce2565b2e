import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type EntityDefinition, entityValueProblem, fitsType } from './entity-schema';
import { compare, EntityIndexes, type IndexPosition, KeyOrder, rangeBounds, type SortedRows, walk } from './kvs-index';
import {
  keyProblem,
  type LimitError,
  MAX_QUERY_LIMIT,
  MAX_TRANSACTION_OPERATIONS,
  MIN_QUERY_LIMIT,
  TTL_DELETION_LAG_MS,
  valueProblem,
} from './kvs-limits';

/**
 * Forge KVS as the pinned `@forge/kvs` 1.6.5 speaks to it: POST /api/v1/{get,set,delete,query,batch/*,
 * transaction,secret/*,entity/*} with JSON bodies, Forge error bodies `{code, message}` (KEY_NOT_FOUND on a
 * missing key), TTLs, `keyPolicy: FAIL_IF_EXISTS`, entity indexes declared in manifest.yml, and conditional
 * transactions. State persists to a JSON file (written atomically) so a sandbox restart keeps its storage.
 * It is as strict as Forge: key and value limits (kvs-limits.ts), entity attribute types and index rules
 * (entity-schema.ts), transaction size, query page limits as errors, cursors that are positions in the index
 * (not offsets, so they survive writes between pages), and expired data that lingers as long as Forge allows.
 * Each index is kept sorted per partition as items are written (kvs-index.ts), so a query costs its page, not
 * a scan of the whole store: a backlog of thousands of tickets runs in minutes, not hours.
 */

interface Item {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireTime?: string;
}

export type { EntityDefinition, EntityIndex } from './entity-schema';

export interface KvsReply {
  status: number;
  body: unknown;
}

type Stores = {
  plain: Record<string, Item>;
  secret: Record<string, Item>;
  entities: Record<string, Record<string, Item>>;
};
type Condition = { property: string; condition: string; values: unknown[] };
type Conditions = { and?: Condition[]; or?: Condition[] } | undefined;

const fail = (status: number, code: string, message: string): KvsReply => ({ status, body: { code, message } });
const refuse = (e: LimitError): KvsReply => fail(e.status, e.code, e.message);
const invalidEntity = (message: string): KvsReply => fail(400, 'INVALID_ENTITY_VALUE', message);
type Row = { key: string } & Item;
/** What keeps a store's index up to date: told of every item that enters or leaves the store. */
type StoreIndex = { add(key: string, value: unknown): void; remove(key: string, value: unknown): void };
const ok = (body: unknown = null): KvsReply => ({ status: 200, body });

export class KvsEmulator {
  private stores: Stores = { plain: {}, secret: {}, entities: {} };
  private readonly plainKeys = new KeyOrder();
  private readonly entityIndexes = new Map<string, EntityIndexes>();
  private readonly indexOf = new WeakMap<Record<string, Item>, StoreIndex>();
  /** Requests by operation, for the per-erasure figures the bench prints. */
  readonly calls = new Map<string, number>();
  /** Fault injection: the next N writes whose operation and body match fail with a 500 (a crash between steps). */
  private writeFaults: Array<{ matches: (op: string, body: string) => boolean; remaining: number }> = [];

  constructor(
    private readonly options: { file?: string; now: () => number; entities: Record<string, EntityDefinition> },
  ) {
    if (options.file && existsSync(options.file))
      this.stores = JSON.parse(readFileSync(options.file, 'utf8')) as Stores;
    this.indexOf.set(this.stores.plain, this.plainKeys);
    for (const key of Object.keys(this.stores.plain)) this.plainKeys.add(key);
    for (const name of Object.keys(this.stores.entities)) this.entity(name);
  }

  /**
   * Every stored value by store, for tests that check what the app keeps (e.g. no personal data);
   * `sinceMs`: only what was written at or after that (virtual) time.
   */
  contents(sinceMs = -Infinity): {
    plain: Record<string, unknown>;
    secret: Record<string, unknown>;
    entities: Record<string, Record<string, unknown>>;
  } {
    const values = (items: Record<string, Item>) =>
      Object.fromEntries(
        Object.entries(items)
          .filter(([, item]) => item.updatedAt >= sinceMs)
          .map(([k, item]) => [k, item.value]),
      );
    return {
      plain: values(this.stores.plain),
      secret: values(this.stores.secret),
      entities: Object.fromEntries(Object.entries(this.stores.entities).map(([name, items]) => [name, values(items)])),
    };
  }

  failNextWrite(matches: (op: string, body: string) => boolean, times = 1): void {
    this.writeFaults.push({ matches, remaining: times });
  }

  handle(path: string, body: Record<string, unknown>): KvsReply {
    const op = path.replace(/^\/api\/v1\//, '');
    this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
    const isWrite = /set|delete|transaction/.test(op);
    const fault = isWrite
      ? this.writeFaults.find((f) => f.remaining > 0 && f.matches(op, JSON.stringify(body)))
      : undefined;
    if (fault) {
      fault.remaining -= 1;
      return fail(500, 'INTERNAL_SERVER_ERROR', 'injected storage failure');
    }
    const reply = this.dispatch(op, body);
    // Deletes and transactions answer 204: any success of a write must reach the file.
    if (reply.status >= 200 && reply.status < 300 && isWrite) this.persist();
    return reply;
  }

  private dispatch(op: string, body: Record<string, unknown>): KvsReply {
    const key = String(body.key ?? '');
    switch (op) {
      case 'get':
        return this.get(this.stores.plain, key);
      case 'secret/get':
        return this.get(this.stores.secret, key);
      case 'entity/get':
        return this.get(this.entity(String(body.entityName)), key);
      case 'set':
        return this.set(this.stores.plain, key, body.value, body.options);
      case 'secret/set':
        return this.set(this.stores.secret, key, body.value, body.options);
      case 'entity/set':
        return this.setEntity(String(body.entityName), key, body.value, body.options);
      case 'delete':
        return this.remove(this.stores.plain, key);
      case 'secret/delete':
        return this.remove(this.stores.secret, key);
      case 'entity/delete':
        return this.remove(this.entity(String(body.entityName)), key);
      case 'query':
        return this.queryPlain(body);
      case 'entity/query':
        return this.queryEntity(body);
      case 'transaction':
        return this.transact(body);
      case 'batch/set':
        return this.batch(body, (item) =>
          item.entityName
            ? this.setEntity(String(item.entityName), String(item.key), item.value, item.options)
            : this.set(this.stores.plain, String(item.key), item.value, item.options),
        );
      case 'batch/delete':
        return this.batch(body, (item) => this.remove(this.storeFor(item), String(item.key)));
      case 'batch/get':
        return this.batchGet(body);
      default:
        return fail(
          400,
          'UNSUPPORTED_OPERATION',
          `the sandbox does not implement ${op}; @forge/kvs may have changed its protocol`,
        );
    }
  }

  private entity(name: string): Record<string, Item> {
    const store = (this.stores.entities[name] ??= {});
    if (!this.entityIndexes.has(name)) {
      const indexes = new EntityIndexes(this.definition(name)?.indexes ?? []);
      for (const [key, item] of Object.entries(store)) indexes.add(key, item.value);
      this.entityIndexes.set(name, indexes);
      this.indexOf.set(store, indexes);
    }
    return store;
  }

  /** Writes an item, moving it in its store's index. */
  private put(store: Record<string, Item>, key: string, item: Item): void {
    const index = this.indexOf.get(store);
    const previous = store[key];
    if (previous) index?.remove(key, previous.value);
    store[key] = item;
    index?.add(key, item.value);
  }

  /** Removes an item and its index entries. */
  private drop(store: Record<string, Item>, key: string): void {
    const previous = store[key];
    if (!previous) return;
    this.indexOf.get(store)?.remove(key, previous.value);
    delete store[key];
  }

  /** Expired longer ago than Forge's deletion lag: gone, whether or not the emulator has removed it yet. */
  private gone(item: Item): boolean {
    return item.expireTime !== undefined && Date.parse(item.expireTime) + TTL_DELETION_LAG_MS <= this.options.now();
  }

  private storeFor(item: Record<string, unknown>): Record<string, Item> {
    return item.entityName ? this.entity(String(item.entityName)) : this.stores.plain;
  }

  private definition(entityName: string): EntityDefinition | undefined {
    return this.options.entities[entityName];
  }

  private setEntity(entityName: string, key: string, value: unknown, options: unknown): KvsReply {
    const def = this.definition(entityName);
    if (!def)
      return fail(
        400,
        'INVALID_ENTITY_TYPE',
        `entity ${entityName} is not declared in manifest.yml app.storage.entities`,
      );
    const problem = entityValueProblem(def, value);
    if (problem) return invalidEntity(problem);
    return this.set(this.entity(entityName), key, value, options);
  }

  /** An item that has not expired, or expired less than Forge's deletion lag ago (it may still be read). */
  private live(store: Record<string, Item>, key: string): Item | undefined {
    const item = store[key];
    if (item && this.gone(item)) {
      this.drop(store, key);
      return undefined;
    }
    return item;
  }

  private get(store: Record<string, Item>, key: string): KvsReply {
    const item = this.live(store, key);
    return item ? ok({ key, ...item }) : fail(404, 'KEY_NOT_FOUND', 'key not found');
  }

  private set(store: Record<string, Item>, key: string, value: unknown, rawOptions: unknown): KvsReply {
    const invalid = keyProblem(key) ?? valueProblem(value);
    if (invalid) return refuse(invalid);
    const options = (rawOptions ?? {}) as {
      keyPolicy?: string;
      ttl?: { value: number; unit: string };
      returnValue?: string;
    };
    const previous = this.live(store, key);
    if (options.keyPolicy === 'FAIL_IF_EXISTS' && previous)
      return fail(409, 'KEY_ALREADY_EXISTS', 'a value already exists for this key');
    const now = this.options.now();
    const item: Item = { value, createdAt: previous?.createdAt ?? now, updatedAt: now };
    if (options.ttl) item.expireTime = new Date(now + ttlMs(options.ttl)).toISOString();
    this.put(store, key, item);
    if (options.returnValue === 'PREVIOUS') return ok(previous ? { key, ...previous } : null);
    if (options.returnValue === 'LATEST') return ok({ key, ...item });
    return { status: 200, body: '' };
  }

  private remove(store: Record<string, Item>, key: string): KvsReply {
    this.drop(store, key);
    return { status: 204, body: '' };
  }

  private queryPlain(body: Record<string, unknown>): KvsReply {
    const paging = parsePaging(body.cursor ?? body.after, body.limit);
    if ('status' in paging) return paging;
    const where = (body.where as Condition[] | undefined) ?? [];
    const prefix = where.find((w) => w.condition === 'BEGINS_WITH')?.values[0];
    const rows = this.plainKeys.rows;
    const bounds =
      prefix === undefined
        ? { from: 0, to: rows.rows.length }
        : {
            from: rows.firstWhere((row) => row.k >= String(prefix)),
            to: rows.firstWhere((row) => row.k >= String(prefix) && !row.k.startsWith(String(prefix))),
          };
    return this.page(this.stores.plain, rows, bounds, 'ASC', paging, () => true);
  }

  private queryEntity(body: Record<string, unknown>): KvsReply {
    const entityName = String(body.entityName);
    const def = this.definition(entityName);
    const index = def?.indexes.find((i) => i.name === body.indexName);
    if (!def || !index)
      return fail(400, 'INVALID_INDEX', `entity ${entityName} has no index ${String(body.indexName)} in manifest.yml`);
    const partition = (body.partition as unknown[] | undefined) ?? [];
    if (partition.length !== index.partition.length)
      return fail(400, 'INVALID_PARTITION', `index ${index.name} needs ${index.partition.length} partition value(s)`);
    const range = body.range as { condition: string; values: unknown[] } | undefined;
    // A partition or range value of the wrong type can match nothing on Forge; refusing it shows the app's bug.
    const wrongPartition = index.partition.findIndex(
      (attr, i) => !fitsType(def.attributes[attr] ?? 'any', partition[i]),
    );
    if (wrongPartition >= 0)
      return fail(
        400,
        'INVALID_PARTITION',
        `partition value for ${index.partition[wrongPartition]} must be of type ${def.attributes[index.partition[wrongPartition] as string]}`,
      );
    const rangeType = def.attributes[index.range] ?? 'any';
    if (range && range.values.some((v) => !fitsType(rangeType, v)))
      return fail(400, 'INVALID_RANGE', `range values for ${index.range} must be of type ${rangeType}`);
    const paging = parsePaging(body.cursor, body.limit);
    if ('status' in paging) return paging;
    const store = this.entity(entityName);
    const rows = (this.entityIndexes.get(entityName) as EntityIndexes).partition(index.name, partition);
    const order = body.sort === 'DESC' ? 'DESC' : 'ASC';
    return this.page(
      store,
      rows,
      rangeBounds(rows, range),
      order,
      paging,
      (value) =>
        (!range || matches(attrOf(value, index.range), range.condition, range.values)) &&
        passes(value, body.filters as Conditions),
    );
  }

  /**
   * One page of the rows that `accepts`, in index order after the cursor's position. A cursor names the last row
   * returned (its range value and key), like DynamoDB's LastEvaluatedKey under Forge, not an offset: rows written
   * between pages (a range attribute that changed) never shift the next page, and the cursor stays valid. The
   * next cursor is given only when a further row matches.
   */
  private page(
    store: Record<string, Item>,
    rows: SortedRows,
    bounds: { from: number; to: number },
    order: 'ASC' | 'DESC',
    paging: { after: IndexPosition | null; size: number },
    accepts: (value: unknown) => boolean,
  ): KvsReply {
    const data: Row[] = [];
    const lapsed: string[] = [];
    let last: IndexPosition | undefined;
    let more = false;
    for (const position of walk(rows, bounds, order, paging.after)) {
      const item = store[position.k];
      if (!item) continue;
      if (this.gone(item)) {
        lapsed.push(position.k);
        continue;
      }
      if (!accepts(item.value)) continue;
      if (data.length === paging.size) {
        more = true;
        break;
      }
      data.push({ key: position.k, ...item });
      last = position;
    }
    for (const key of lapsed) this.drop(store, key);
    const next = last && more ? Buffer.from(JSON.stringify({ r: last.r, k: last.k })).toString('base64url') : undefined;
    return ok({ data, ...(next ? { cursor: next } : {}) });
  }

  private transact(body: Record<string, unknown>): KvsReply {
    type Op = { key: string; value?: unknown; entityName?: string; conditions?: Conditions; options?: unknown };
    const sets = (body.set as Op[] | undefined) ?? [];
    const deletes = (body.delete as Op[] | undefined) ?? [];
    const checks = (body.check as Op[] | undefined) ?? [];
    const all = [...sets, ...deletes, ...checks];
    if (all.length > MAX_TRANSACTION_OPERATIONS)
      return fail(
        400,
        'TOO_MANY_OPERATIONS',
        `a transaction holds at most ${MAX_TRANSACTION_OPERATIONS} operations; this one has ${all.length}`,
      );
    const refs = all.map((op) => `${op.entityName ?? ''}\u0000${op.key}`);
    if (new Set(refs).size !== refs.length)
      return fail(400, 'DUPLICATE_KEYS', 'each key can only be used once in a transaction');
    for (const op of sets) {
      const invalid = keyProblem(op.key) ?? valueProblem(op.value);
      if (invalid) return refuse(invalid);
      if (!op.entityName) continue;
      const def = this.definition(op.entityName);
      if (!def)
        return fail(
          400,
          'INVALID_ENTITY_TYPE',
          `entity ${op.entityName} is not declared in manifest.yml app.storage.entities`,
        );
      const problem = entityValueProblem(def, op.value);
      if (problem) return invalidEntity(problem);
    }
    // All conditions are checked before anything is written: the transaction applies whole or not at all.
    for (const op of all) {
      if (!op.conditions) continue;
      const current = this.live(this.storeFor(op), op.key);
      if (!current || !passes(current.value, op.conditions))
        return fail(409, 'CONDITIONAL_CHECK_FAILED', `condition failed for ${op.key}`);
    }
    for (const op of sets) this.set(this.storeFor(op), op.key, op.value, op.options);
    for (const op of deletes) this.remove(this.storeFor(op), op.key);
    return { status: 204, body: '' };
  }

  private batch(body: unknown, apply: (item: Record<string, unknown>) => KvsReply): KvsReply {
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of body as Array<Record<string, unknown>>) {
      const reply = apply(item);
      const ref = { key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}) };
      if (reply.status < 300) successfulKeys.push(ref);
      else failedKeys.push({ ...ref, error: reply.body });
    }
    return ok({ successfulKeys, failedKeys });
  }

  private batchGet(body: unknown): KvsReply {
    const successfulKeys: unknown[] = [];
    for (const item of body as Array<Record<string, unknown>>) {
      const found = this.live(this.storeFor(item), String(item.key));
      if (found)
        successfulKeys.push({ key: item.key, ...(item.entityName ? { entityName: item.entityName } : {}), ...found });
    }
    return ok({ successfulKeys, failedKeys: [] });
  }

  private persist(): void {
    const file = this.options.file;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(this.stores));
    renameSync(`${file}.tmp`, file);
  }
}

function ttlMs(ttl: { value: number; unit: string }): number {
  const unit = { SECONDS: 1_000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 }[ttl.unit] ?? 1_000;
  return ttl.value * unit;
}

function attrOf(value: unknown, attr: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[attr] : undefined;
}

/** The page size and the cursor's position, or Forge's error for a limit outside 1..100 or a foreign cursor. */
function parsePaging(cursor: unknown, limit: unknown): { after: IndexPosition | null; size: number } | KvsReply {
  if (
    limit !== undefined &&
    (typeof limit !== 'number' || !Number.isInteger(limit) || limit < MIN_QUERY_LIMIT || limit > MAX_QUERY_LIMIT)
  ) {
    return fail(
      400,
      'COMPLEX_QUERY_PAGE_LIMIT_NOT_IN_RANGE',
      `The page limit must be set between ${MIN_QUERY_LIMIT} and ${MAX_QUERY_LIMIT}.`,
    );
  }
  let after: IndexPosition | null = null;
  if (typeof cursor === 'string') {
    try {
      after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as IndexPosition;
    } catch {
      return fail(400, 'INVALID_CURSOR', 'the cursor is not one this store issued');
    }
  }
  return { after, size: typeof limit === 'number' ? limit : 10 };
}

function matches(actual: unknown, condition: string, values: unknown[]): boolean {
  const [v0, v1] = values;
  switch (condition) {
    case 'EQUAL_TO':
      return actual === v0;
    case 'NOT_EQUAL_TO':
      return actual !== v0;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && actual.startsWith(String(v0));
    case 'BETWEEN':
      return compare(actual, v0) >= 0 && compare(actual, v1) <= 0;
    case 'GREATER_THAN':
      return compare(actual, v0) > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return compare(actual, v0) >= 0;
    case 'LESS_THAN':
      return compare(actual, v0) < 0;
    case 'LESS_THAN_EQUAL_TO':
      return compare(actual, v0) <= 0;
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'CONTAINS':
      return typeof actual === 'string' ? actual.includes(String(v0)) : Array.isArray(actual) && actual.includes(v0);
    case 'NOT_CONTAINS':
      return !matches(actual, 'CONTAINS', values);
    default:
      return false;
  }
}

function passes(value: unknown, conditions: Conditions): boolean {
  if (!conditions) return true;
  if (conditions.and) return conditions.and.every((c) => matches(attrOf(value, c.property), c.condition, c.values));
  if (conditions.or) return conditions.or.some((c) => matches(attrOf(value, c.property), c.condition, c.values));
  return true;
}
