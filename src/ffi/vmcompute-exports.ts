/**
 * One koffi declaration per vmcompute.dll export the binding uses (reference hcs-legacy-api.md 2.1), in koffi's
 * C-like prototype syntax, with the exact export names.
 *
 * Type choices, each for a reason:
 * - Strings in are `const char16_t *`: UTF-16 on every OS. `wchar_t` would be UTF-32 against the Linux simulator.
 * - `PWSTR *` outputs are `_Inout_ void **`: the raw pointer comes back so it can be decoded and then released with
 *   `CoTaskMemFree` (koffi's own string decoding would lose it). `_Inout_` rather than `_Out_` so the slot holds
 *   NULL before the call: a DLL that leaves an output untouched must not hand us stack garbage to free (hcsshim
 *   gets the same guarantee from Go's zeroed variables).
 * - `HCS_SYSTEM`/`HCS_PROCESS`/`HCS_CALLBACK` are `void *` (BigInt in koffi 3); the TypeScript side brands them.
 * - `HCS_PROCESS_INFORMATION *` is `_Inout_` for the same zero-before-call reason.
 * - The callback context is `uintptr_t`: an integer key, never an object (reference 4.4, 10.2).
 * - HRESULT is `int32_t` and normalised with `>>> 0` by the caller.
 */
export const VMCOMPUTE_EXPORTS = {
  HcsEnumerateComputeSystems:
    'int32_t HcsEnumerateComputeSystems(const char16_t *query, _Inout_ void **computeSystems, _Inout_ void **result)',
  HcsCreateComputeSystem:
    'int32_t HcsCreateComputeSystem(const char16_t *id, const char16_t *configuration, void *identity, _Inout_ void **computeSystem, _Inout_ void **result)',
  HcsOpenComputeSystem: 'int32_t HcsOpenComputeSystem(const char16_t *id, _Inout_ void **computeSystem, _Inout_ void **result)',
  HcsCloseComputeSystem: 'int32_t HcsCloseComputeSystem(void *computeSystem)',
  HcsStartComputeSystem:
    'int32_t HcsStartComputeSystem(void *computeSystem, const char16_t *options, _Inout_ void **result)',
  HcsShutdownComputeSystem:
    'int32_t HcsShutdownComputeSystem(void *computeSystem, const char16_t *options, _Inout_ void **result)',
  HcsTerminateComputeSystem:
    'int32_t HcsTerminateComputeSystem(void *computeSystem, const char16_t *options, _Inout_ void **result)',
  HcsPauseComputeSystem:
    'int32_t HcsPauseComputeSystem(void *computeSystem, const char16_t *options, _Inout_ void **result)',
  HcsResumeComputeSystem:
    'int32_t HcsResumeComputeSystem(void *computeSystem, const char16_t *options, _Inout_ void **result)',
  HcsGetComputeSystemProperties:
    'int32_t HcsGetComputeSystemProperties(void *computeSystem, const char16_t *propertyQuery, _Inout_ void **properties, _Inout_ void **result)',
  HcsModifyComputeSystem:
    'int32_t HcsModifyComputeSystem(void *computeSystem, const char16_t *configuration, _Inout_ void **result)',
  HcsRegisterComputeSystemCallback:
    'int32_t HcsRegisterComputeSystemCallback(void *computeSystem, HcsNotificationCallback *callback, uintptr_t context, _Inout_ void **callbackHandle)',
  HcsUnregisterComputeSystemCallback: 'int32_t HcsUnregisterComputeSystemCallback(void *callbackHandle)',
  HcsCreateProcess:
    'int32_t HcsCreateProcess(void *computeSystem, const char16_t *processParameters, _Inout_ HCS_PROCESS_INFORMATION *processInformation, _Inout_ void **process, _Inout_ void **result)',
  HcsOpenProcess:
    'int32_t HcsOpenProcess(void *computeSystem, uint32_t processId, _Inout_ void **process, _Inout_ void **result)',
  HcsCloseProcess: 'int32_t HcsCloseProcess(void *process)',
  HcsTerminateProcess: 'int32_t HcsTerminateProcess(void *process, _Inout_ void **result)',
  HcsSignalProcess: 'int32_t HcsSignalProcess(void *process, const char16_t *options, _Inout_ void **result)',
  HcsGetProcessInfo:
    'int32_t HcsGetProcessInfo(void *process, _Inout_ HCS_PROCESS_INFORMATION *processInformation, _Inout_ void **result)',
  HcsGetProcessProperties:
    'int32_t HcsGetProcessProperties(void *process, _Inout_ void **processProperties, _Inout_ void **result)',
  HcsModifyProcess: 'int32_t HcsModifyProcess(void *process, const char16_t *settings, _Inout_ void **result)',
  HcsRegisterProcessCallback:
    'int32_t HcsRegisterProcessCallback(void *process, HcsNotificationCallback *callback, uintptr_t context, _Inout_ void **callbackHandle)',
  HcsUnregisterProcessCallback: 'int32_t HcsUnregisterProcessCallback(void *callbackHandle)',
  HcsGetServiceProperties:
    'int32_t HcsGetServiceProperties(const char16_t *propertyQuery, _Inout_ void **properties, _Inout_ void **result)',
  HcsModifyServiceSettings: 'int32_t HcsModifyServiceSettings(const char16_t *settings, _Inout_ void **result)',
  HNSCall:
    'int32_t HNSCall(const char16_t *method, const char16_t *path, const char16_t *request, _Inout_ void **response)',
  // A layer export (reference 9.2): the deterministic GUID of a name, e.g. a layer folder's. Not an RPC to the
  // service, but it goes through .async like every other export (rule 2 asks no proof that a call cannot block).
  NameToGuid: 'int32_t NameToGuid(const char16_t *name, _Inout_ HCS_GUID *guid)',
} as const;

/** `GUID` (reference 9.1): `{uint32 Data1; uint16 Data2; uint16 Data3; uint8 Data4[8]}`, 16 bytes. */
export const HCS_GUID_FIELDS = {
  Data1: 'uint32_t',
  Data2: 'uint16_t',
  Data3: 'uint16_t',
  Data4: 'uint8_t[8]',
} as const;

/** The name of a declared vmcompute.dll export. */
export type VmcomputeExportName = keyof typeof VMCOMPUTE_EXPORTS;

/** `HCS_PROCESS_INFORMATION` (reference 3): DWORD, DWORD, HANDLE x3; 32 bytes on x64, koffi adds the padding. */
export const HCS_PROCESS_INFORMATION_FIELDS = {
  ProcessId: 'uint32_t',
  Reserved: 'uint32_t',
  StdInput: 'void *',
  StdOutput: 'void *',
  StdError: 'void *',
} as const;

/**
 * `HCS_NOTIFICATION_CALLBACK` (reference 4.1). `status` is `int32_t` because only the low 32 bits are defined on
 * x64; `data` is decoded by koffi into a JS string (a copy) before our function runs.
 */
export const HCS_NOTIFICATION_CALLBACK_PROTO =
  'void HcsNotificationCallback(uint32_t notificationType, uintptr_t context, int32_t notificationStatus, const char16_t *notificationData)';

/** The free function for every vmcompute output string (from ole32 on Windows, reference 1.6). */
export const CO_TASK_MEM_FREE = 'void CoTaskMemFree(void *pv)';
