import { decodeResultDocument, decodeErrorEvent } from '../../../schemas/outputs';

describe('decodeResultDocument', () => {
  it('decodes the reference sample, with the HRESULT made unsigned and Data ignored', () => {
    const text = JSON.stringify({
      Error: -2147024883,
      ErrorMessage: 'The data is invalid.',
      ErrorEvents: [
        {
          Message: 'Invalid JSON document',
          Provider: '17103e3f-3c6e-4677-bb17-3b267eb5be57',
          EventId: 123,
          Flags: 0,
          Source: 'vmcompute',
          Data: [{ Type: 2, Value: 'x' }],
        },
      ],
    });
    expect(decodeResultDocument(text)).toEqual({
      Error: 0x8007000d,
      ErrorMessage: 'The data is invalid.',
      ErrorEvents: [
        {
          Message: 'Invalid JSON document',
          StackTrace: '',
          Provider: '17103e3f-3c6e-4677-bb17-3b267eb5be57',
          EventId: 123,
          Flags: 0,
          Source: 'vmcompute',
        },
      ],
    });
  });

  it('accepts an HRESULT already written unsigned', () => {
    expect(decodeResultDocument('{"Error":3224830211}')?.Error).toBe(0xc0370103);
  });

  it.each([null, undefined, '', '   \n', 'not json', '{"Error":', '[1,2]', '"text"', '42', 'null', 'true'])(
    'returns undefined for %p',
    (input) => {
      expect(decodeResultDocument(input as string | null | undefined)).toBeUndefined();
    },
  );

  it('matches keys case-insensitively and ignores unknown keys', () => {
    const doc = decodeResultDocument('{"error":-1,"errormessage":"m","ERROREVENTS":[{"message":"a","eventid":7}],"Extra":1}');
    expect(doc).toEqual({
      Error: 0xffffffff,
      ErrorMessage: 'm',
      ErrorEvents: [{ Message: 'a', StackTrace: '', Provider: '', EventId: 7, Flags: 0, Source: '' }],
    });
  });

  it('leaves out Error and ErrorMessage when they are missing or of the wrong type', () => {
    expect(decodeResultDocument('{}')).toEqual({ ErrorEvents: [] });
    const doc = decodeResultDocument('{"Error":"0x80070005","ErrorMessage":5,"ErrorEvents":{"Message":"x"}}');
    expect(doc).toEqual({ ErrorEvents: [] });
    expect(doc).not.toHaveProperty('Error');
    expect(doc).not.toHaveProperty('ErrorMessage');
  });

  it('rejects HRESULTs outside the int32/uint32 range and fractions', () => {
    expect(decodeResultDocument('{"Error":4294967296}')?.Error).toBeUndefined();
    expect(decodeResultDocument('{"Error":-2147483649}')?.Error).toBeUndefined();
    expect(decodeResultDocument('{"Error":1.5}')?.Error).toBeUndefined();
  });

  it('drops events that are not objects and zeroes fields of the wrong type', () => {
    const doc = decodeResultDocument('{"ErrorEvents":[null,"x",3,[],{"EventId":70000,"Flags":-1,"Message":false}]}');
    expect(doc?.ErrorEvents).toEqual([{ Message: '', StackTrace: '', Provider: '', EventId: 0, Flags: 0, Source: '' }]);
  });

  it('takes the last usable duplicate, skipping null, as Go does', () => {
    const doc = decodeResultDocument('{"ErrorMessage":"first","errorMessage":"second","ERRORMESSAGE":null}');
    expect(doc?.ErrorMessage).toBe('second');
  });

  it('folds the Kelvin sign and long s like Go', () => {
    // "\u017Fource" folds to "SOURCE"; "\u212Aey" would fold to "KEY".
    expect(decodeErrorEvent({ '\u017fource': 'vmcompute' }).Source).toBe('vmcompute');
    expect(decodeErrorEvent({ 'S\u00f6urce': 'no' }).Source).toBe('');
  });
});
