import { ADDITIONAL_JSON_ENV, HcsValidationError, encodeContainerConfig, mergeAdditionalJson } from '../../../schemas';
import vectors from '../../fixtures/additional-json/vectors.json';

interface Vector {
  document: string;
  additional: string;
  merged?: string;
  error?: string;
}

describe('mergeAdditionalJson (HCSSHIM_CREATECONTAINER_ADDITIONALJSON)', () => {
  // vectors.json was made by Go's encoding/json (test/fixtures/additional-json/merge.go): byte-exact results.
  const all = vectors as Vector[];
  const merged = all.filter((v) => v.merged !== undefined);
  const refused = all.filter((v) => v.error !== undefined);

  it('has vectors of both kinds', () => {
    expect(merged.length).toBeGreaterThan(100);
    expect(refused.length).toBeGreaterThan(10);
  });

  it.each(merged.map((v, i) => [i, v] as const))('gives what Go gives (vector %i)', (_i, v) => {
    expect(mergeAdditionalJson(v.document, v.additional)).toBe(v.merged);
  });

  it.each(refused.map((v, i) => [i, v] as const))('refuses what Go refuses (vector %i)', (_i, v) => {
    let caught: unknown;
    try {
      mergeAdditionalJson(v.document, v.additional);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HcsValidationError);
    const error = caught as HcsValidationError;
    expect(error.document).toBe(ADDITIONAL_JSON_ENV);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe('(root)');
  });

  it('names the position or the type found, never the text', () => {
    const secret = 'p@ssw0rd-in-env';
    const doc = encodeContainerConfig({ Name: 'a' });
    expect(() => mergeAdditionalJson(doc, `{"Password":"${secret}",}`)).toThrow(/not valid JSON \(line 1, column 31\)/);
    expect(() => mergeAdditionalJson(doc, `["${secret}"]`)).toThrow(/must be a JSON object, got an array/);
    expect(() => mergeAdditionalJson(doc, `{"n":1e999,"s":"${secret}"}`)).toThrow(/out of the float64 range/);
    for (const text of [`{"Password":"${secret}",}`, `["${secret}"]`, `{"n":1e999,"s":"${secret}"}`]) {
      try {
        mergeAdditionalJson(doc, text);
      } catch (err) {
        expect(String((err as Error).message)).not.toContain(secret);
        expect(JSON.stringify(err)).not.toContain(secret);
      }
    }
  });

  it.each([
    ['objects', 3000, (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)],
    ['arrays', 200_000, (n: number) => '{"a":' + '['.repeat(n) + ']'.repeat(n) + '}'],
  ])('refuses %s nested %i levels with HcsValidationError, not a stack overflow', (_what, depth, make) => {
    const doc = encodeContainerConfig({ Name: 'a' });
    let caught: unknown;
    try {
      mergeAdditionalJson(doc, make(depth));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(HcsValidationError);
    expect((caught as HcsValidationError).issues).toEqual([{ path: '(root)', message: 'nests deeper than 256 levels' }]);
  });

  it('merges nesting up to the free-form limit of the schemas (256 levels)', () => {
    const doc = encodeContainerConfig({ Name: 'a' });
    const text = (n: number) => '{"x":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
    expect(mergeAdditionalJson(doc, text(256))).toContain('"x":{"x":');
    expect(() => mergeAdditionalJson(doc, text(257))).toThrow(/nests deeper than 256 levels/);
  });

  it('returns the document itself when the variable is empty', () => {
    const doc = encodeContainerConfig({ Name: 'a' });
    expect(mergeAdditionalJson(doc, '')).toBe(doc);
  });

  it('never sets a prototype from a __proto__ key', () => {
    const out = JSON.parse(mergeAdditionalJson('{"a":{}}', '{"a":{"__proto__":{"polluted":1}},"__proto__":{"b":2}}'));
    expect(Object.keys(out).sort()).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
  });
});
