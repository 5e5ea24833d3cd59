import {
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  encodePropertyQuery,
  encodeResourceModificationRequest,
  validateDocument,
  type DocumentKind,
} from '../../../schemas';
import { MAX_ARRAY_ITEMS } from '../../../schemas/limits';
import { thrown, holes, TOO_LONG, HOLE } from './support/validation-helpers';
import { onWindows } from '../../support/lanes';

// Why more room on the Windows lane: three jest workers share 2 cores with Wine there (seen: 274 ms of 1000 for a
// first, unoptimised call under load); the work these limits guard against takes from 15 s to minutes.
const SLOWDOWN = onWindows ? 5 : 1;

/**
 * An array that says it has `length` items but holds none, and fails the test (by throwing, which validation reports
 * at `(root)`) once more than `budget` of its items have been looked at: what an item-by-item walk of a 2^32-1
 * array looks like, without waiting minutes for it.
 */
function unreadable(length: number, budget = 1000): unknown[] {
  let looked = 0;
  const count = (key: string | symbol): void => {
    if (typeof key === 'string' && /^\d+$/.test(key) && ++looked > budget) throw new Error('walked item by item');
  };
  return new Proxy(holes(length), {
    get(target, key, receiver) {
      count(key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      count(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      count(key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
  });
}

/** Every array of an input document, typed or free-form, as the document that holds `array` there. */
const placements: [string, DocumentKind, (array: unknown[]) => unknown][] = [
  ['CommandArgs', 'process', (a) => ({ CommandArgs: a })],
  ['Layers', 'container', (a) => ({ Name: 'c', Layers: a })],
  ['MappedDirectories', 'container', (a) => ({ Name: 'c', MappedDirectories: a })],
  ['MappedPipes', 'container', (a) => ({ Name: 'c', MappedPipes: a })],
  ['EndpointList', 'container', (a) => ({ Name: 'c', EndpointList: a })],
  ['MappedVirtualDisks', 'container', (a) => ({ Name: 'c', MappedVirtualDisks: a })],
  ['AssignedDevices', 'container', (a) => ({ Name: 'c', AssignedDevices: a })],
  ['Ids', 'query', (a) => ({ Ids: a })],
  ['Types', 'query', (a) => ({ Types: a })],
  ['Names', 'query', (a) => ({ Names: a })],
  ['Owners', 'query', (a) => ({ Owners: a })],
  ['PropertyTypes', 'property-query', (a) => ({ PropertyTypes: a })],
  ['OCISpecification.x', 'process', (a) => ({ OCISpecification: { x: a } })],
  ['OCISpecification.process.args', 'process', (a) => ({ OCISpecification: { process: { args: a } } })],
  ['Settings', 'modify', (a) => ({ ResourceType: 'Network', Settings: a })],
  ['Settings.list[0]', 'modify', (a) => ({ ResourceType: 'Network', Settings: { list: [a] } })],
];

describe(`arrays are refused beyond ${MAX_ARRAY_ITEMS} items, by their length alone`, () => {
  it.each(placements)('%s of length 2^32-1 is refused without reading an item', (path, kind, place) => {
    expect(validateDocument(kind, place(unreadable(2 ** 32 - 1)))).toEqual([{ path, message: TOO_LONG }]);
  });

  it.each(placements)(`%s of ${MAX_ARRAY_ITEMS + 1} items is refused without reading an item`, (path, kind, place) => {
    expect(validateDocument(kind, place(unreadable(MAX_ARRAY_ITEMS + 1)))).toEqual([{ path, message: TOO_LONG }]);
  });

  it.each(placements)(`%s of ${MAX_ARRAY_ITEMS} items is accepted`, (path, kind, place) => {
    const item: Record<string, unknown> = {
      Layers: { ID: '332e8234-783d-e17b-d7a2-5e0a9f681397', Path: 'C:\\l' },
      MappedDirectories: { HostPath: 'C:\\h', ContainerPath: 'C:\\c' },
      MappedPipes: { HostPath: '\\\\.\\pipe\\h', ContainerPipeName: 'c' },
      MappedVirtualDisks: {},
      AssignedDevices: {},
    };
    const full = new Array<unknown>(MAX_ARRAY_ITEMS).fill(item[path] ?? 'x');
    expect(validateDocument(kind, place(full))).toEqual([]);
  });

  // The reported repros: each took from 15 s to minutes and gigabytes, or aborted Node.
  it.each([
    ['encodeProcessConfig, CommandArgs of 2^32-1', () => encodeProcessConfig({ CommandArgs: holes(2 ** 32 - 1) }), 'CommandArgs'],
    ['encodeProcessConfig, CommandArgs of 1e6', () => encodeProcessConfig({ CommandArgs: holes(1e6) }), 'CommandArgs'],
    ['encodeContainerConfig, Layers of 2^32-1', () => encodeContainerConfig({ Name: 'c', Layers: holes(2 ** 32 - 1) }), 'Layers'],
    ['encodeComputeSystemQuery, Ids of 2^32-1', () => encodeComputeSystemQuery({ Ids: holes(2 ** 32 - 1) }), 'Ids'],
    ['encodePropertyQuery, PropertyTypes of 2^32-1', () => encodePropertyQuery({ PropertyTypes: holes(2 ** 32 - 1) }), 'PropertyTypes'],
    ['encodeProcessConfig, OCISpecification.x of 2^32-1', () => encodeProcessConfig({ OCISpecification: { x: holes(2 ** 32 - 1) } }), 'OCISpecification.x'],
    ['encodeResourceModificationRequest, Settings of 2^32-1', () => encodeResourceModificationRequest({ ResourceType: 'Network', Settings: holes(2 ** 32 - 1) }), 'Settings'],
  ])('%s: an HcsValidationError naming the field, within a second', (_what, run, path) => {
    const started = Date.now();
    const err = thrown(run);
    expect(Date.now() - started).toBeLessThan(1000 * SLOWDOWN);
    expect(err.issues).toEqual([{ path, message: TOO_LONG }]);
  });
});

describe('free-form arrays with holes are refused at the first hole', () => {
  it('names the index of the first hole, and only that one', () => {
    const sparse = [1, 2, 3, , 5, , 7];
    expect(validateDocument('process', { OCISpecification: { x: sparse } })).toEqual([{ path: 'OCISpecification.x[3]', message: HOLE }]);
    expect(validateDocument('modify', { ResourceType: 'Network', Settings: holes(10) })).toEqual([{ path: 'Settings[0]', message: HOLE }]);
  });

  it('tells a hole from an item that is present and undefined', () => {
    expect(validateDocument('process', { OCISpecification: { x: ['a', undefined] } })).toEqual([
      { path: 'OCISpecification.x[1]', message: 'must be a JSON value (got undefined)' },
    ]);
  });

  it('costs no more than the items before the first hole: two hundred arrays of the maximum length, in well under a second', () => {
    const doc = { OCISpecification: { a: Array.from({ length: 200 }, () => holes(MAX_ARRAY_ITEMS)) } };
    const started = Date.now();
    const issues = validateDocument('process', doc);
    expect(Date.now() - started).toBeLessThan(500 * SLOWDOWN);
    expect(issues[0]).toEqual({ path: 'OCISpecification.a[0][0]', message: HOLE });
  });

  it('reads no item of a long array past its first hole', () => {
    const sparse = unreadable(MAX_ARRAY_ITEMS, 10);
    expect(validateDocument('process', { OCISpecification: { x: sparse } })).toEqual([{ path: 'OCISpecification.x[0]', message: HOLE }]);
  });
});
