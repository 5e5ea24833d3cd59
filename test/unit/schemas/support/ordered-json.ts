/**
 * A JSON parser that keeps object key order exactly as written (JavaScript objects reorder integer-like keys), so
 * tests can compare the key order of encoder output with Go's.
 */

/** An object as an ordered list of entries. */
export interface OrderedObject {
  o: [string, OrderedValue][];
}

/** A JSON value with objects as {@link OrderedObject}. */
export type OrderedValue = null | boolean | number | string | OrderedValue[] | OrderedObject;

/** Parses `text` strictly (delegating scalars to JSON.parse), keeping key order. */
export function parseOrdered(text: string): OrderedValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const scalarEnd = (): number => {
    if (text[i] === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      return j + 1;
    }
    let j = i;
    while (j < text.length && !',]}: \t\r\n'.includes(text[j]!)) j++;
    return j;
  };
  const value = (): OrderedValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: [string, OrderedValue][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { o };
      }
      for (;;) {
        ws();
        const end = scalarEnd();
        const key = JSON.parse(text.slice(i, end)) as string;
        i = end;
        ws();
        if (text[i++] !== ':') throw new Error(`expected : at ${i - 1}`);
        o.push([key, value()]);
        ws();
        const sep = text[i++];
        if (sep === '}') return { o };
        if (sep !== ',') throw new Error(`expected , or } at ${i - 1}`);
      }
    }
    if (c === '[') {
      i++;
      const a: OrderedValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        const sep = text[i++];
        if (sep === ']') return a;
        if (sep !== ',') throw new Error(`expected , or ] at ${i - 1}`);
      }
    }
    const end = scalarEnd();
    const scalar = JSON.parse(text.slice(i, end)) as OrderedValue;
    i = end;
    return scalar;
  };
  const result = value();
  ws();
  if (i !== text.length) throw new Error(`trailing text at ${i}`);
  return result;
}

/** Converts a plain JavaScript value (as JSON.parse returns it) to the ordered form, keeping its key order. */
export function toOrdered(value: unknown): OrderedValue {
  if (Array.isArray(value)) return value.map(toOrdered);
  if (value !== null && typeof value === 'object') {
    return {
      o: Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, toOrdered((value as Record<string, unknown>)[k])] as [string, OrderedValue]),
    };
  }
  return value as OrderedValue;
}
