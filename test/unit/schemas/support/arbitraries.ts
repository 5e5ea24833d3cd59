/** fast-check arbitraries for valid input documents, biased towards the values that break naive encoders. */
import fc from 'fast-check';

const NASTY = [
  '',
  'a',
  'C:\\',
  'quote " and backslash \\',
  '<tag> & amp',
  'tab\tnewline\nreturn\r',
  'bell\u0007 backspace\b formfeed\f esc\u001b del\u007f',
  'line\u2028para\u2029sep',
  'emoji 🐳 whale',
  'lone \ud800 high',
  'lone \udc00 low',
  'reversed \udc00\ud800 pair',
  'Käse ünïcödé 日本語',
  '\uffff\ufffd\ue000',
  '\\\\?\\Volume{8d1c4e2a-1b2c-4d5e-9f00-112233445566}\\',
];

/** Any string without NUL: nasty constants, arbitrary code points, arbitrary UTF-16 code units (lone surrogates). */
export const goStr = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 1, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 8 }) },
  )
  .filter((s) => !s.includes('\0'));

/** A non-empty string without NUL. */
export const goStrNonEmpty = goStr.filter((s) => s.length > 0);

const int = (max: number) =>
  fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 16 }), fc.bigInt({ min: 0n, max: BigInt(max) }).map(Number), fc.constant(max));

/** 0..2^32-1. */
export const uint32 = int(4294967295);
/** 0..Number.MAX_SAFE_INTEGER. */
export const safeCount = int(Number.MAX_SAFE_INTEGER);
/** 0..10000. */
export const weight = int(10000);
/** 0..65535. */
export const uint16 = int(65535);

/** A Windows GUID string, either letter case, no version/variant constraints. */
export const guid = fc.stringMatching(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);

/** `undefined`-free optional record: each key present or not. */
const rec = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T, required: (keyof T)[] = []) =>
  fc.record(model, { requiredKeys: required as Extract<keyof T, string>[] });

/** A Go slice field: absent, null, empty or some items. */
const slice = <T>(item: fc.Arbitrary<T>) => fc.oneof(fc.constant(null), fc.constant([] as T[]), fc.array(item, { minLength: 1, maxLength: 3 }));

/**
 * A number a free-form value may hold: within ±(2^53-1), fractions, tiny and negative zero included (fc.jsonValue's
 * doubles reach 1e308, which validation refuses).
 */
const freeFormNumber = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e-7, 5e-324, 4503599627370495.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, noNaN: true }),
);

/** Two keys that only differ in unpaired surrogates are one key once Go holds them; keep objects free of that. */
const distinctForGo = (o: Record<string, unknown>): boolean => {
  const keys = Object.keys(o).map((k) => Buffer.from(k, 'utf8').toString('utf8'));
  return new Set(keys).size === keys.length;
};

const freeFormAt = (depth: number): { value: fc.Arbitrary<unknown>; object: fc.Arbitrary<Record<string, unknown>> } => {
  const leaf = fc.oneof(fc.constant(null), fc.boolean(), freeFormNumber, goStr);
  const inner = depth === 0 ? leaf : freeFormAt(depth - 1).value;
  const object = fc.dictionary(goStr, inner, { maxKeys: 4 }).filter(distinctForGo);
  const value = depth === 0 ? leaf : fc.oneof(leaf, fc.array(inner, { maxLength: 3 }), object);
  return { value, object };
};

const freeForm = freeFormAt(3);

/**
 * Free-form JSON (OCISpecification, Settings) whose keys and strings come from {@link goStr}: any code point or code
 * unit but NUL (control characters, U+2028/2029, HTML characters, lone surrogates), so Go's escaping rules are tested
 * there too.
 */
export const freeFormValue = freeForm.value;
/** A free-form JSON object, as {@link freeFormValue}. */
export const freeFormObject = freeForm.object;

export const layer = rec({ ID: guid, Path: goStrNonEmpty }, ['ID', 'Path']);
export const mappedDir = rec(
  {
    HostPath: goStrNonEmpty,
    ContainerPath: goStrNonEmpty,
    ReadOnly: fc.boolean(),
    BandwidthMaximum: safeCount,
    IOPSMaximum: safeCount,
    CreateInUtilityVM: fc.boolean(),
    LinuxMetadata: fc.boolean(),
  },
  ['HostPath', 'ContainerPath'],
);
export const mappedPipe = rec({ HostPath: goStrNonEmpty, ContainerPipeName: goStrNonEmpty }, ['HostPath', 'ContainerPipeName']);
export const hvRuntime = rec({
  ImagePath: goStr,
  SkipTemplate: fc.boolean(),
  LinuxInitrdFile: goStr,
  LinuxKernelFile: goStr,
  LinuxBootParameters: goStr,
  BootSource: fc.constantFrom('', 'Vhd'),
  WritableBootSource: fc.boolean(),
});
export const mappedVirtualDisk = rec({
  HostPath: goStr,
  ContainerPath: goStr,
  CreateInUtilityVM: fc.boolean(),
  ReadOnly: fc.boolean(),
  Cache: fc.constantFrom('', 'Disabled', 'Enabled', 'Private', 'PrivateAllowSharing'),
  AttachOnly: fc.boolean(),
});
export const assignedDevice = rec({ InterfaceClassGuid: fc.oneof(fc.constant(''), guid) });

export const containerConfig = rec(
  {
    SystemType: fc.constantFrom('Container', 'VirtualMachine'),
    Name: goStrNonEmpty,
    Owner: goStr,
    VolumePath: fc.oneof(
      fc.constant(''),
      fc.tuple(guid, fc.boolean()).map(([g, slash]) => `\\\\?\\Volume{${g}}${slash ? '\\' : ''}`),
    ),
    IgnoreFlushesDuringBoot: fc.boolean(),
    LayerFolderPath: goStr,
    Layers: slice(layer),
    Credentials: goStr,
    ProcessorCount: uint32,
    ProcessorWeight: weight,
    ProcessorMaximum: weight,
    StorageIOPSMaximum: safeCount,
    StorageBandwidthMaximum: safeCount,
    StorageSandboxSize: safeCount,
    MemoryMaximumInMB: safeCount,
    HostName: goStr,
    MappedDirectories: slice(mappedDir),
    MappedPipes: slice(mappedPipe),
    HvPartition: fc.boolean(),
    NetworkSharedContainerName: goStr,
    EndpointList: slice(goStr),
    HvRuntime: fc.oneof(fc.constant(null), hvRuntime),
    Servicing: fc.boolean(),
    AllowUnqualifiedDNSQuery: fc.boolean(),
    DNSSearchList: goStr,
    ContainerType: fc.constantFrom('', 'Linux'),
    TerminateOnLastHandleClosed: fc.boolean(),
    MappedVirtualDisks: slice(mappedVirtualDisk),
    AssignedDevices: slice(assignedDevice),
  },
  ['Name'],
);

const envKey = goStrNonEmpty.filter((k) => !k.includes('=') && k !== '__proto__');

export const processConfig = rec({
  ApplicationName: goStr,
  CommandLine: goStr,
  CommandArgs: slice(goStr),
  User: goStr,
  WorkingDirectory: goStr,
  Environment: fc.oneof(
    fc.constant(null),
    fc.dictionary(fc.oneof(envKey, fc.constantFrom('PATH', '10', '2', 'a', 'B', '\ue000', '😀', 'Ä')), goStr, { maxKeys: 6 }),
  ),
  EmulateConsole: fc.boolean(),
  CreateStdInPipe: fc.boolean(),
  CreateStdOutPipe: fc.boolean(),
  CreateStdErrPipe: fc.boolean(),
  ConsoleSize: fc.tuple(uint16, uint16),
  CreateInUtilityVm: fc.boolean(),
  OCISpecification: fc.oneof(fc.constant(null), freeFormObject),
});

export const computeSystemQuery = rec({ Ids: slice(goStr), Types: slice(goStr), Names: slice(goStr), Owners: slice(goStr) });
export const propertyQuery = rec({ PropertyTypes: slice(goStrNonEmpty) });
export const modifyRequest = rec(
  { ResourceType: goStrNonEmpty, Settings: freeFormValue, RequestType: fc.constantFrom('', 'Add', 'Remove') },
  ['ResourceType'],
);
export const processModifyRequest = fc.oneof(
  fc.record({ Operation: fc.constant('ConsoleSize' as const), ConsoleSize: fc.record({ Height: uint16, Width: uint16 }) }),
  fc.record({
    Operation: fc.constant('CloseHandle' as const),
    CloseHandle: fc.record({ Handle: fc.constantFrom('StdIn' as const, 'StdOut' as const, 'StdErr' as const, 'All' as const) }),
  }),
);
export const signalRequest = fc.record({
  Signal: fc.oneof(
    fc.constantFrom('CtrlC' as const, 'CtrlBreak' as const, 'CtrlClose' as const, 'CtrlLogOff' as const, 'CtrlShutdown' as const),
    fc.integer({ min: 0, max: 64 }),
  ),
});
