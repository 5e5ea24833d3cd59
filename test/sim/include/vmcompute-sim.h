/*
 * The exports of the simulated vmcompute.dll (legacy HCS API) plus the simulator's control export. Strings are
 * UTF-16LE; every output string is freed by the caller with CoTaskMemFree.
 */
#ifndef VMCOMPUTE_SIM_H
#define VMCOMPUTE_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t HCS_HRESULT;
typedef uint16_t HCS_WCHAR;
typedef void *HCS_SYSTEM_H;
typedef void *HCS_PROCESS_H;
typedef void *HCS_CALLBACK_H;
typedef void (*HCS_NOTIFICATION_CALLBACK_FN)(uint32_t type, void *context, int32_t status, const HCS_WCHAR *data);

typedef struct HCS_PROCESS_INFORMATION_ {
  uint32_t ProcessId;
  uint32_t Reserved;
  void *StdInput;
  void *StdOutput;
  void *StdError;
} HCS_PROCESS_INFORMATION_;

HCS_HRESULT HcsEnumerateComputeSystems(const HCS_WCHAR *query, HCS_WCHAR **computeSystems, HCS_WCHAR **result);
HCS_HRESULT HcsCreateComputeSystem(const HCS_WCHAR *id, const HCS_WCHAR *configuration, void *identity,
                                   HCS_SYSTEM_H *computeSystem, HCS_WCHAR **result);
HCS_HRESULT HcsOpenComputeSystem(const HCS_WCHAR *id, HCS_SYSTEM_H *computeSystem, HCS_WCHAR **result);
HCS_HRESULT HcsCloseComputeSystem(HCS_SYSTEM_H computeSystem);
HCS_HRESULT HcsStartComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsShutdownComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsTerminateComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsPauseComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsResumeComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsSaveComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsGetComputeSystemProperties(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *propertyQuery,
                                          HCS_WCHAR **properties, HCS_WCHAR **result);
HCS_HRESULT HcsModifyComputeSystem(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *configuration, HCS_WCHAR **result);
HCS_HRESULT HcsRegisterComputeSystemCallback(HCS_SYSTEM_H computeSystem, HCS_NOTIFICATION_CALLBACK_FN callback,
                                             void *context, HCS_CALLBACK_H *callbackHandle);
HCS_HRESULT HcsUnregisterComputeSystemCallback(HCS_CALLBACK_H callbackHandle);
HCS_HRESULT HcsCreateProcess(HCS_SYSTEM_H computeSystem, const HCS_WCHAR *processParameters,
                             HCS_PROCESS_INFORMATION_ *processInformation, HCS_PROCESS_H *process, HCS_WCHAR **result);
HCS_HRESULT HcsOpenProcess(HCS_SYSTEM_H computeSystem, uint32_t processId, HCS_PROCESS_H *process, HCS_WCHAR **result);
HCS_HRESULT HcsCloseProcess(HCS_PROCESS_H process);
HCS_HRESULT HcsTerminateProcess(HCS_PROCESS_H process, HCS_WCHAR **result);
HCS_HRESULT HcsSignalProcess(HCS_PROCESS_H process, const HCS_WCHAR *options, HCS_WCHAR **result);
HCS_HRESULT HcsGetProcessInfo(HCS_PROCESS_H process, HCS_PROCESS_INFORMATION_ *processInformation, HCS_WCHAR **result);
HCS_HRESULT HcsGetProcessProperties(HCS_PROCESS_H process, HCS_WCHAR **processProperties, HCS_WCHAR **result);
HCS_HRESULT HcsModifyProcess(HCS_PROCESS_H process, const HCS_WCHAR *settings, HCS_WCHAR **result);
HCS_HRESULT HcsGetServiceProperties(const HCS_WCHAR *propertyQuery, HCS_WCHAR **properties, HCS_WCHAR **result);
HCS_HRESULT HcsModifyServiceSettings(const HCS_WCHAR *settings, HCS_WCHAR **result);
HCS_HRESULT HcsRegisterProcessCallback(HCS_PROCESS_H process, HCS_NOTIFICATION_CALLBACK_FN callback, void *context,
                                       HCS_CALLBACK_H *callbackHandle);
HCS_HRESULT HcsUnregisterProcessCallback(HCS_CALLBACK_H callbackHandle);
HCS_HRESULT HNSCall(const HCS_WCHAR *method, const HCS_WCHAR *path, const HCS_WCHAR *request, HCS_WCHAR **response);

/* Layer exports (reference 9.2). GUID in the Windows layout. */
typedef struct HCS_GUID_ {
  uint32_t Data1;
  uint16_t Data2, Data3;
  uint8_t Data4[8];
} HCS_GUID_;
HCS_HRESULT NameToGuid(const HCS_WCHAR *name, HCS_GUID_ *guid);

/* Simulator control: JSON request in, JSON response out (see test/sim/README.md). */
HCS_HRESULT HcsSimControl(const HCS_WCHAR *request, HCS_WCHAR **response);

#ifndef _WIN32
void *CoTaskMemAlloc(size_t bytes);
void CoTaskMemFree(void *p);
#endif

#ifdef __cplusplus
}
#endif

#endif
