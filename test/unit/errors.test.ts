import { inspect } from 'node:util';
import fc from 'fast-check';
import { HcsValidationError as OriginalValidationError } from '../../schemas/validation-error';
import {
  codeForHresult,
  HcsValidationError,
  formatHresult,
  HcsError,
  hcsErrorFromHresult,
  HRESULT,
  hresultName,
  isAccessIsDenied,
  isAlreadyClosed,
  isAlreadyStopped,
  isHcsError,
  isNotExist,
  isNotSupported,
  isOperationInvalidState,
  isPending,
  isTimeout,
  parseResultDocument,
  win32FromHresult,
} from '../../src/errors';

describe('codeForHresult maps both HCS families to one code', () => {
  it.each([
    [0xc037010e, 'ERR_HCS_NOT_FOUND'],
    [0x8037010e, 'ERR_HCS_NOT_FOUND'],
    [0x80070490, 'ERR_HCS_NOT_FOUND'],
    [0xc0370110, 'ERR_HCS_ALREADY_STOPPED'],
    [0x80370110, 'ERR_HCS_ALREADY_STOPPED'],
    [0x8037011f, 'ERR_HCS_ALREADY_STOPPED'],
    [0xc0370106, 'ERR_HCS_UNEXPECTED_EXIT'],
    [0x80370106, 'ERR_HCS_UNEXPECTED_EXIT'],
    [0xc0370109, 'ERR_HCS_TIMEOUT'],
    [0x80370109, 'ERR_HCS_TIMEOUT'],
    [0x800706ba, 'ERR_HCS_SERVICE_DISCONNECT'],
    [0xc037010d, 'ERR_HCS_CALL'],
    [0x80004005, 'ERR_HCS_CALL'],
    [0x12345678, 'ERR_HCS_CALL'],
  ])('0x%s -> %s', (hr, code) => {
    expect(codeForHresult(hr)).toBe(code);
  });

  it('accepts the signed form koffi returns', () => {
    expect(codeForHresult(0x80370109 | 0)).toBe('ERR_HCS_TIMEOUT');
    expect(codeForHresult(-2143878903)).toBe('ERR_HCS_TIMEOUT');
  });
});

describe('hresultName', () => {
  it('names both families the same', () => {
    expect(hresultName(0xc0370109)).toBe('HCS_E_CONNECTION_TIMEOUT');
    expect(hresultName(0x80370109)).toBe('HCS_E_CONNECTION_TIMEOUT');
    expect(hresultName(0xc0370110)).toBe('HCS_E_SYSTEM_ALREADY_STOPPED');
    expect(hresultName(0x8037011f)).toBe('HCS_E_PROCESS_ALREADY_STOPPED');
  });
  it('names the legacy pending value and Win32 codes in facility 7', () => {
    expect(hresultName(HRESULT.OPERATION_PENDING)).toBe('HCS_E_OPERATION_PENDING');
    expect(hresultName(0x80070490)).toBe('ERROR_NOT_FOUND');
    expect(hresultName(0x8007007f)).toBe('ERROR_PROC_NOT_FOUND');
    expect(hresultName(0x800706ba)).toBe('RPC_S_SERVER_UNAVAILABLE');
  });
  it('is undefined for unknown values', () => {
    expect(hresultName(0x12345678)).toBeUndefined();
    expect(hresultName(0xc03701ff)).toBeUndefined();
  });
});

describe('win32FromHresult (reference 1.4)', () => {
  it('strips facility-7 HRESULTs to the Win32 code whatever the severity bits', () => {
    expect(win32FromHresult(0x80070490)).toBe(0x490);
    expect(win32FromHresult(0x8007000d)).toBe(0xd);
    expect(win32FromHresult(0xc0070005)).toBe(0x5);
    expect(win32FromHresult(-2147023728 /* 0x80070490 signed */)).toBe(0x490);
  });
  it('keeps other HRESULTs whole and unsigned', () => {
    expect(win32FromHresult(0xc0370103)).toBe(0xc0370103);
    expect(win32FromHresult(0x80370110)).toBe(0x80370110);
    expect(win32FromHresult(0x80004005)).toBe(0x80004005);
  });
});

describe('HcsError messages', () => {
  it('reads "<operation> <id>:<pid>: <description> (HRESULT 0x... NAME)"', () => {
    const e = hcsErrorFromHresult(0xc0370109, { operation: 'HcsStartComputeSystem', id: 'c1', pid: 7 });
    expect(e.message).toBe(
      'HcsStartComputeSystem c1:7: timed out connecting to the compute system (HRESULT 0xC0370109 HCS_E_CONNECTION_TIMEOUT)',
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('HcsError');
    expect(e.code).toBe('ERR_HCS_TIMEOUT');
    expect(e.hresult).toBe(0xc0370109);
    expect(e.hresultName).toBe('HCS_E_CONNECTION_TIMEOUT');
    expect(e.operation).toBe('HcsStartComputeSystem');
    expect(e.id).toBe('c1');
    expect(e.pid).toBe(7);
  });

  it('stores the HRESULT unsigned even when given signed', () => {
    const e = hcsErrorFromHresult(-2143878903, { operation: 'op' });
    expect(e.hresult).toBe(0x80370109);
    expect(e.message).toContain('0x80370109 HCS_E_CONNECTION_TIMEOUT');
  });

  it('prints an unknown HRESULT without a name', () => {
    const e = hcsErrorFromHresult(0x80ab0001, { operation: 'op', id: 'x' });
    expect(e.message).toBe('op x: the HCS call failed (HRESULT 0x80AB0001)');
    expect(e.hresultName).toBeUndefined();
  });

  it('attaches ErrorMessage and one line per ErrorEvent from the result document', () => {
    const result = JSON.stringify({
      Error: -2147024883,
      ErrorMessage: 'The data is invalid.',
      ErrorEvents: [
        { Message: 'first', Provider: '{guid}', EventId: 12, Flags: 1, Source: 'vmcompute', StackTrace: 'st', Data: [1] },
        { Message: 'second' },
        'not an event',
      ],
    });
    const e = hcsErrorFromHresult(0x8007000d, { operation: 'HcsCreateComputeSystem', id: 'c2', result });
    expect(e.events).toEqual([
      { Message: 'first', Provider: '{guid}', EventId: 12, Flags: 1, Source: 'vmcompute', StackTrace: 'st' },
      { Message: 'second' },
    ]);
    expect(e.message.split('\n')).toEqual([
      'HcsCreateComputeSystem c2: the request is invalid or unsupported (HRESULT 0x8007000D ERROR_INVALID_DATA)',
      '  detail: The data is invalid.',
      '  event: first [Provider {guid}, EventId 12, Source vmcompute]',
      '  event: second',
    ]);
    expect(e.errorMessage).toBe('The data is invalid.');
  });

  it.each([null, undefined, '', 'not json', '[1,2]', '{"ErrorEvents":"x"}', 'null'])(
    'tolerates a bad result document %j',
    (result) => {
      const e = hcsErrorFromHresult(0xc037010e, { operation: 'op', result });
      expect(e.events).toEqual([]);
      expect(e.code).toBe('ERR_HCS_NOT_FOUND');
    },
  );

  it('keeps the cause', () => {
    const cause = new Error('inner');
    expect(hcsErrorFromHresult(0x80004005, { operation: 'op', cause }).cause).toBe(cause);
  });

  it('uses an explicit message as the first line verbatim and still appends HRESULT and events', () => {
    const e = new HcsError({
      code: 'ERR_HCS_CALL',
      message: 'container c encountered an error during Start',
      hresult: 0x80004005,
      events: [{ Message: 'm' }],
    });
    expect(e.message).toBe('container c encountered an error during Start (HRESULT 0x80004005 E_FAIL)\n  event: m');
  });

  it('describes code-only errors by their code', () => {
    const e = new HcsError({ code: 'ERR_HCS_ALREADY_CLOSED', operation: 'Container.start', id: 'abc' });
    expect(e.message).toBe('Container.start abc: the handle has already been closed');
    expect(e.hresult).toBeUndefined();
    expect(e.events).toEqual([]);
  });

  it('never shows credentials or environment values that HCS echoes back', () => {
    const result = JSON.stringify({
      ErrorMessage: 'bad config {"Credentials":"s3cret-token","Environment":{"PASSWORD":"hunter2"}}',
      ErrorEvents: [{ Message: 'echo {"Credentials": "s3cret-token", "x": 1}' }, { Message: '"environment":{"API_KEY":"hunter2"}' }],
    });
    const e = hcsErrorFromHresult(0xc037010d, { operation: 'HcsCreateComputeSystem', id: 'c', result });
    const everything = `${e.message}\n${e.errorMessage}\n${e.stack}\n${inspect(e)}\n${JSON.stringify(e.events)}`;
    expect(everything).not.toContain('s3cret-token');
    expect(everything).not.toContain('hunter2');
    expect(e.message).toContain('<redacted>');
  });

  it('masks echoed secrets in every string of every event, and whatever braces or quotes the values hold', () => {
    const config = '{"Name":"c1","Environment":{"A":"x}y","B":"{z","TOKEN":"S3CRET-1"},"Credentials":"S3CRET-2\\"q"}';
    const result = JSON.stringify({
      ErrorMessage: `rejected ${config}`,
      ErrorEvents: [{ Message: `config ${config}`, StackTrace: `at parse(${config})`, Source: config, Provider: config }],
    });
    const e = hcsErrorFromHresult(0xc037010d, { operation: 'HcsCreateComputeSystem', id: 'c1', result });
    const everything = `${e.message}\n${e.errorMessage}\n${inspect(e, { depth: 5 })}\n${JSON.stringify(e)}\n${JSON.stringify(e.events)}`;
    expect(everything).not.toContain('S3CRET');
    expect(e.events[0]!.Message).toBe('config {"Name":"c1","Environment":"<redacted>","Credentials":"<redacted>"}');
    expect(e.events[0]!.StackTrace).toBe('at parse({"Name":"c1","Environment":"<redacted>","Credentials":"<redacted>"})');
    expect(e.errorMessage).toBe('rejected {"Name":"c1","Environment":"<redacted>","Credentials":"<redacted>"}');
  });

  it('masks an OCI spec\'s env and documents quoted inside a JSON string (escaped quotes)', () => {
    const e = new HcsError({
      code: 'ERR_HCS_CALL',
      operation: 'op',
      events: [
        { Message: '{"OCISpecification":{"process":{"env":["PASS=S3CRET-5"],"cwd":"/"}}}' },
        { Message: '"msg":"invalid config: {\\"Name\\":\\"a\\",\\"Credentials\\":\\"S3CRET-6\\"}","other":"x"' },
        { Message: 'cut: {\\"Environment\\":{\\"P\\":\\"S3CRET-7' },
      ],
    });
    expect(`${e.message}\n${JSON.stringify(e.events)}`).not.toContain('S3CRET');
    expect(e.events[0]!.Message).toBe('{"OCISpecification":{"process":{"env":"<redacted>","cwd":"/"}}}');
    expect(e.events[1]!.Message).toBe('"msg":"invalid config: {\\"Name\\":\\"a\\",\\"Credentials\\":\\"<redacted>\\"","other":"x"');
  });

  it('masks documents quoted two and three levels deep, up to the end of the string they are quoted in', () => {
    const inner = JSON.stringify({ Credentials: 'S3CRET-8', Name: 'n' });
    const twice = JSON.stringify({ Outer: JSON.stringify({ Request: inner }) });
    const thrice = JSON.stringify({ A: JSON.stringify({ B: JSON.stringify({ Environment: { K: 'S3CRET-9' } }) }) });
    const e = hcsErrorFromHresult(0xc037010d, {
      operation: 'op',
      result: JSON.stringify({ ErrorMessage: `bad request: ${twice}`, ErrorEvents: [{ Message: thrice }] }),
    });
    expect(`${e.message}\n${e.errorMessage}\n${JSON.stringify(e.events)}`).not.toMatch(/S3CRET/);
    expect(e.errorMessage).toBe('bad request: {"Outer":"{\\"Request\\":\\"{\\\\\\"Credentials\\\\\\":\\\\\\"<redacted>\\\\\\"\\"}"}');
  });

  it('masks a key of a document whose text starts inside the escaping (no backslashes before the key)', () => {
    const e = new HcsError({ code: 'ERR_HCS_CALL', operation: 'op', events: [{ Message: 'x "Credentials\\":\\"S3CRET-11\\" y' }] });
    // No outer quote closes the string it is quoted in, so the mask runs to the end of the text.
    expect(e.events[0]!.Message).toBe('x "Credentials\\":\\"<redacted>\\"');
  });

  it('redacts in linear time: a long run of backslashes or of keys does not stall', () => {
    const start = performance.now();
    const slashes = `${'\\'.repeat(200_000)}x"Credentials":"S3CRET-10"`;
    const keys = '"Credentials\\": '.repeat(20_000);
    const e = new HcsError({ code: 'ERR_HCS_CALL', operation: 'op', events: [{ Message: slashes }, { Message: keys }] });
    expect(e.events[0]!.Message!.endsWith('"Credentials":"<redacted>"')).toBe(true);
    // Each key's value is empty here (the next key follows at once); the last key has nothing after it.
    expect(e.events[1]!.Message).toBe(`${'"Credentials\\": \\"<redacted>\\"'.repeat(19_999)}"Credentials\\": `);
    // Not a timing test of speed: quadratic work here takes minutes, linear a few milliseconds.
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('masks an echoed secret cut off by the end of the text, and events handed to the constructor directly', () => {
    const e = new HcsError({
      code: 'ERR_HCS_CALL',
      operation: 'op',
      events: [{ Message: 'truncated {"Environment":{"K":"S3CRET-3' }, { Message: 'truncated "credentials": "S3CRET-4' }],
    });
    expect(`${e.message}\n${JSON.stringify(e.events)}`).not.toContain('S3CRET');
    expect(e.events.map((ev) => ev.Message)).toEqual(['truncated {"Environment":"<redacted>"', 'truncated "credentials": "<redacted>"']);
  });

  it('formatHresult prints 8 upper-case hex digits', () => {
    expect(formatHresult(0x5)).toBe('0x00000005');
    expect(formatHresult(-1)).toBe('0xFFFFFFFF');
  });
});

describe('parseResultDocument', () => {
  it('ignores wrongly typed event fields', () => {
    expect(parseResultDocument('{"ErrorEvents":[{"Message":5,"EventId":"x","Source":"s"}]}').events).toEqual([{ Source: 's' }]);
  });
});

describe('isHcsError', () => {
  it('is true for HcsError and for a structurally identical error from another copy of the module', () => {
    expect(isHcsError(new HcsError({ code: 'ERR_HCS_CALL' }))).toBe(true);
    const foreign = Object.assign(new Error('x'), { name: 'HcsError', code: 'ERR_HCS_TIMEOUT' });
    expect(isHcsError(foreign)).toBe(true);
  });
  it('is false for other values', () => {
    expect(isHcsError(new Error('x'))).toBe(false);
    expect(isHcsError({ name: 'HcsError', code: 'ERR_HCS_CALL' })).toBe(false);
    expect(isHcsError(Object.assign(new Error('x'), { name: 'HcsError', code: 'EPERM' }))).toBe(false);
    expect(isHcsError(null)).toBe(false);
  });
});

describe('predicates (hcsshim HEAD semantics, both families)', () => {
  const err = (hr: number) => hcsErrorFromHresult(hr, { operation: 'op' });
  type Case = [string, (e: unknown) => boolean, unknown[], unknown[]];
  const cases: Case[] = [
    [
      'isNotExist',
      isNotExist,
      [err(0xc037010e), err(0x8037010e), err(0x80070490), { hresult: 0x490 }, 0xc037010e, new HcsError({ code: 'ERR_HCS_NOT_FOUND' })],
      [err(0xc0370110), err(0x8007007f), { hresult: 0x7f }, new Error('x'), null, undefined, 'ERR_HCS_NOT_FOUND'],
    ],
    [
      'isAlreadyStopped',
      isAlreadyStopped,
      [err(0xc0370110), err(0x80370110), err(0x8037011f), err(0xc037011f), err(0x80070490), { code: 'ERR_HCS_ALREADY_STOPPED' }],
      [err(0xc037010e), err(0xc0370105), {}, 42],
    ],
    [
      'isPending',
      isPending,
      [{ hresult: 0xc0370103 }, { hresult: 0xc0370103 | 0 }, { hresult: 0x80370117 }, 0xc0370103],
      [err(0x80370103), err(0xc0370109), { hresult: 'x' }],
    ],
    [
      'isTimeout',
      isTimeout,
      [err(0xc0370109), err(0x80370109), new HcsError({ code: 'ERR_HCS_TIMEOUT' }), Object.assign(new Error('t'), { code: 'ETIMEDOUT' })],
      [err(0xc037010e), new HcsError({ code: 'ERR_HCS_CALL' }), new Error('timeout')],
    ],
    [
      'isAlreadyClosed',
      isAlreadyClosed,
      [new HcsError({ code: 'ERR_HCS_ALREADY_CLOSED' }), { code: 'ERR_HCS_ALREADY_CLOSED' }],
      [err(0x80070006), new HcsError({ code: 'ERR_HCS_CALL' })],
    ],
    [
      'isNotSupported',
      isNotSupported,
      [err(0xc037010d), err(0x8037010d), err(0x8007000d), err(0x80070032), err(0xc037010b), err(0x8037010b), { hresult: 0xd }],
      [err(0xc0370105), err(0x80004005)],
    ],
    [
      'isOperationInvalidState',
      isOperationInvalidState,
      [err(0xc0370105), err(0x80370105)],
      [err(0xc0370106), err(0x80070005)],
    ],
    ['isAccessIsDenied', isAccessIsDenied, [err(0x80070005), { hresult: 5 }], [err(0x8007000d), err(0xc037010e)]],
  ];

  describe.each(cases)('%s', (_name, predicate, yes, no) => {
    it.each(yes.map((v) => [v]))('is true for %p', (value) => expect(predicate(value)).toBe(true));
    it.each(no.map((v) => [v]))('is false for %p', (value) => expect(predicate(value)).toBe(false));
  });

  it('looks through the cause chain, as hcsshim unwraps its wrapper errors', () => {
    const inner = err(0xc037010e);
    const outer = new Error('wrapped', { cause: inner });
    expect(isNotExist(outer)).toBe(true);
    expect(isTimeout(outer)).toBe(false);
  });

  it('does not loop forever on a cyclic cause chain', () => {
    const a: { cause?: unknown } = {};
    a.cause = a;
    expect(isNotExist(a)).toBe(false);
  });
});

describe('HcsValidationError re-export', () => {
  it('is the schema layer class, with code ERR_HCS_INVALID_CONFIG', () => {
    expect(HcsValidationError).toBe(OriginalValidationError);
    const e = new HcsValidationError('ProcessConfig', [{ path: 'CommandLine', message: 'expected a string' }]);
    expect(e.code).toBe('ERR_HCS_INVALID_CONFIG');
    expect(isHcsError(e)).toBe(false);
  });
});

describe('hcsErrorFromHresult on arbitrary input', () => {
  it('never throws, keeps the HRESULT unsigned and picks a known code', () => {
    const codes = ['ERR_HCS_TIMEOUT', 'ERR_HCS_NOT_FOUND', 'ERR_HCS_ALREADY_STOPPED', 'ERR_HCS_UNEXPECTED_EXIT', 'ERR_HCS_SERVICE_DISCONNECT', 'ERR_HCS_CALL'];
    const result = fc.oneof(fc.constant(null), fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ ErrorEvents: [v], ErrorMessage: v })));
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), result, (hr, doc) => {
        const e = hcsErrorFromHresult(hr, { operation: 'op', id: 'i', result: doc });
        expect(e.hresult).toBe(hr >>> 0);
        expect(codes).toContain(e.code);
        expect(e.message.startsWith('op i: ')).toBe(true);
        expect(Array.isArray(e.events)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('masks any credential string HCS echoes in an event message', () => {
    fc.assert(
      fc.property(fc.string(), (tail) => {
        const secret = `zq9-secret-${tail}`;
        const doc = JSON.stringify({ ErrorEvents: [{ Message: `echo ${JSON.stringify({ Credentials: secret })}` }] });
        const e = hcsErrorFromHresult(0xc037010d, { operation: 'op', result: doc });
        expect(e.message).not.toContain('zq9-secret');
        expect(e.message).toContain('<redacted>');
      }),
      { numRuns: 200 },
    );
  });
});
