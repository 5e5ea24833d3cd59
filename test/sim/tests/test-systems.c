/* Compute system exports: lifecycle, enumeration, handles, validation, properties, modify, service. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tests.h"

/* HcsModifyComputeSystem with the result document dropped (freed): for calls whose HRESULT is all a test checks. */
static HCS_HRESULT modify(HCS_SYSTEM_H h, const HCS_WCHAR *request) {
  HCS_WCHAR *result = NULL;
  HCS_HRESULT hr = HcsModifyComputeSystem(h, request, &result);
  free(take(result));
  return hr;
}

void test_lifecycle(void) {
  HCS_SYSTEM_H h = NULL;
  HCS_CALLBACK_H cb = NULL;
  HCS_WCHAR *result = NULL, *props = NULL;
  uintptr_t ctx = next_ctx();
  CHECK_HR(HcsCreateComputeSystem(W("life-1"), W("{\"SystemType\":\"Container\",\"Name\":\"life\",\"Owner\":\"o\"}"),
                                  NULL, &h, &result),
           PENDING);
  CHECK(take_has(result, "\"Error\":-1070137085"), "pending result document");
  CHECK(h != NULL, "handle returned with pending");
  CHECK(stat_of("SystemHandles") == 1 && stat_of("ComputeSystems") == 1, "counters after create");
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)ctx, &cb), 0);
  CHECK(stat_of("Callbacks") == 1, "callback counted");
  const event *e = wait_event(ctx, 2, 1, 5000);
  CHECK(e && e->status == 0, "CreateCompleted delivered");
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Created\""), "state Created");
  CHECK(result == NULL, "no result document on success");
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), INVALID_STATE); /* start already pending */
  CHECK(take_has(result, "ErrorEvents"), "invalid state has a result document");
  e = wait_event(ctx, 3, 1, 5000);
  CHECK(e && e->status == 0, "StartCompleted delivered");
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{}"), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Running\""), "state Running");
  CHECK_HR(HcsShutdownComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  e = wait_event(ctx, 1, 1, 5000);
  CHECK(e && e->status == 0, "SystemExited after shutdown");
  CHECK(stat_of("ShutdownTimers") == 0, "the exit cancelled the shutdown's grace-period kill");
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Stopped\""), "state Stopped");
  CHECK_HR(HcsShutdownComputeSystem(h, W(""), &result), ALREADY_STOPPED);
  CHECK(take_has(result, "\"Error\":-1070137072"), "already stopped document");
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), ALREADY_STOPPED);
  free(take(result));
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), INVALID_STATE);
  free(take(result));
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), INVALID_HANDLE);
  CHECK(stat_of("ComputeSystems") == 1, "a stopped system stays while a handle is open");
  CHECK_HR(HcsCloseComputeSystem(h), 0);
  CHECK(stat_of("ComputeSystems") == 0, "stopped system forgotten after its last handle closed");
  CHECK_HR(HcsCloseComputeSystem(h), INVALID_HANDLE);
  CHECK_HR(HcsStartComputeSystem(h, W(""), &result), INVALID_HANDLE);
  free(take(result));
}

void test_enumerate_and_open(void) {
  HCS_SYSTEM_H a = NULL, b = NULL, a2 = NULL;
  HCS_WCHAR *result = NULL, *list = NULL;
  CHECK_HR(HcsCreateComputeSystem(W("enum-a"), W("{\"Name\":\"na\",\"Owner\":\"alice\"}"), NULL, &a, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCreateComputeSystem(W("enum-b"), W("{\"Name\":\"nb\",\"Owner\":\"bob\",\"SystemType\":\"VirtualMachine\"}"),
                                  NULL, &b, &result),
           PENDING);
  free(take(result));
  CHECK_HR(HcsCreateComputeSystem(W("ENUM-A"), W("{}"), NULL, &a2, &result), (int32_t)0xC037010Fu);
  CHECK(take_has(result, "already exists"), "duplicate id refused");
  CHECK_HR(HcsEnumerateComputeSystems(W(""), &list, &result), 0);
  char *s = take(list);
  CHECK(s && strstr(s, "enum-a") && strstr(s, "enum-b"), "enumerate all: %s", STR(s));
  free(s);
  CHECK_HR(HcsEnumerateComputeSystems(W("{\"Owners\":[\"bob\"]}"), &list, &result), 0);
  s = take(list);
  CHECK(s && !strstr(s, "enum-a") && strstr(s, "enum-b"), "filter by owner: %s", STR(s));
  free(s);
  CHECK_HR(HcsEnumerateComputeSystems(W("{\"Ids\":[\"enum-a\",\"nope\"],\"Types\":[\"Container\"]}"), &list, &result), 0);
  s = take(list);
  CHECK(s && strstr(s, "enum-a") && !strstr(s, "enum-b"), "filter by id and type: %s", STR(s));
  free(s);
  CHECK_HR(HcsEnumerateComputeSystems(W("{\"Names\":[\"zzz\"]}"), &list, &result), 0);
  CHECK(take_has(list, "[]"), "no match gives an empty array");
  CHECK_HR(HcsEnumerateComputeSystems(W("{\"Ids\":\"enum-a\"}"), &list, &result), INVALID_JSON);
  CHECK(list == NULL && take_has(result, "ErrorEvents"), "bad query refused");
  CHECK_HR(HcsEnumerateComputeSystems(W("{"), &list, &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsEnumerateComputeSystems(W(""), NULL, &result), (int32_t)0x80004003u);
  free(take(result));
  CHECK_HR(HcsOpenComputeSystem(W("enum-a"), &a2, &result), 0);
  CHECK(a2 != NULL && a2 != a, "a second, distinct handle");
  CHECK(stat_of("SystemHandles") == 3, "three system handles");
  CHECK_HR(HcsOpenComputeSystem(W("missing"), &a2, &result), NOT_FOUND_SYS);
  CHECK(take_has(result, "\"Error\":-1070137074"), "unknown id document");
  CHECK_HR(HcsCloseComputeSystem(a), 0);
  HCS_WCHAR *props = NULL;
  CHECK_HR(HcsOpenComputeSystem(W("enum-a"), &a, &result), 0); /* HCS keeps a created system after its handles close */
  CHECK_HR(HcsGetComputeSystemProperties(a, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"Owner\":\"alice\""), "owner property");
  for (HCS_SYSTEM_H *hp = &a; hp; hp = hp == &a ? &b : NULL) {
    CHECK_HR(HcsTerminateComputeSystem(*hp, W(""), &result), PENDING);
    free(take(result));
  }
  /* The handle opened as a2 was left open deliberately: Reset must collect it. */
  CHECK_HR(HcsCloseComputeSystem(a), 0);
  CHECK_HR(HcsCloseComputeSystem(b), 0);
  CHECK_HR(HcsCloseComputeSystem((HCS_SYSTEM_H)(uintptr_t)0x12345), INVALID_HANDLE);
  CHECK_HR(HcsCloseComputeSystem(NULL), INVALID_HANDLE);
  ctl0("{\"Op\":\"Reset\"}");
  CHECK_HR(HcsCloseComputeSystem(a2), INVALID_HANDLE);
}

void test_validation(void) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  static const char *const bad[] = {
      "", "{", "[]", "{\"Name\":1}", "{\"SystemType\":\"Toaster\"}", "{\"Name\":\"x\",}", "{\"Name\":\"x\"} x",
      "{\"MappedVirtualDisks\":[{\"HostPath\":3}]}", "{\"Layers\":[1]}", "{\"HvPartition\":\"yes\"}",
      "{\"Name\":\"\\ud800\"}", "{'Name':'x'}", "{\"Name\":\"a\tb\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    h = (HCS_SYSTEM_H)1;
    CHECK_HR(HcsCreateComputeSystem(W("val"), W(bad[i]), NULL, &h, &result), INVALID_JSON);
    CHECK(h == NULL, "no handle for %s", bad[i]);
    CHECK(take_has(result, "\"Error\":-1070137075"), "document for %s", bad[i]);
  }
  CHECK_HR(HcsCreateComputeSystem(W(""), W("{}"), NULL, &h, &result), (int32_t)0x80070057u);
  free(take(result));
  CHECK_HR(HcsCreateComputeSystem(W("val"), W("{}"), NULL, NULL, &result), (int32_t)0x80004003u);
  free(take(result));
  CHECK(stat_of("ComputeSystems") == 0, "nothing created by invalid requests");
  CHECK_HR(HcsCreateComputeSystem(W("val"), W("{\"name\":\"lower-case keys match\",\"Unknown\":{\"x\":[1,2]}}"), NULL, &h,
                                  &result),
           PENDING);
  free(take(result));
  HCS_WCHAR *props = NULL;
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"Bogus\"]}"), &props, &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"Statistics\"]}"), NULL, &result),
           (int32_t)0x80004003u);
  free(take(result));
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "lower-case keys match"), "case-insensitive key");
  CHECK_HR(HcsPauseComputeSystem(h, W(""), &result), INVALID_STATE);
  free(take(result));
  CHECK_HR(HcsResumeComputeSystem(h, W(""), &result), INVALID_STATE);
  free(take(result));
  CHECK_HR(HcsStartComputeSystem(h, W("not json"), &result), INVALID_JSON);
  free(take(result));
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"true\"}"), &info, &p, &result), INVALID_STATE);
  free(take(result));
  CHECK_HR(modify(h, W("{\"ResourceType\":\"Network\",\"RequestType\":\"Add\",\"Settings\":5}")), INVALID_JSON);
  CHECK_HR(modify(h, W("{\"RequestType\":\"Add\"}")), INVALID_JSON);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"Network\",\"RequestType\":\"Add\",\"Settings\":\"ep-1\"}")), 0);
  CHECK_HR(HcsTerminateComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK_HR(HcsCloseComputeSystem(h), 0);
}

void test_properties_and_modify(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_SYSTEM_H h = started_system(
      "props-1",
      "{\"SystemType\":\"Container\",\"Name\":\"p\",\"ContainerType\":\"Linux\",\"MappedVirtualDisks\":["
      "{\"HostPath\":\"C:\\\\d0.vhdx\",\"ContainerPath\":\"/mnt/d0\",\"CreateInUtilityVM\":true},"
      "{\"HostPath\":\"C:\\\\d1.vhdx\",\"ContainerPath\":\"/mnt/d1\",\"ReadOnly\":true}]}",
      &ctx, &cb);
  HCS_WCHAR *props = NULL, *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"5\"]}"), &info, &p, &result), 0);
  char want[64];
  snprintf(want, sizeof want, "\"ProcessId\":%u", info.ProcessId);
  CHECK_HR(HcsGetComputeSystemProperties(
               h, W("{\"PropertyTypes\":[\"Statistics\",\"ProcessList\",\"MappedVirtualDisk\",\"GuestConnection\",\"PendingUpdates\"]}"),
               &props, &result),
           0);
  char *s = take(props);
  CHECK(s && strstr(s, "\"RuntimeOsType\":\"Linux\""), "runtime os type: %s", STR(s));
  CHECK(s && strstr(s, "\"Statistics\":{\"Timestamp\":\"20") && strstr(s, "\"MemoryUsageCommitBytes\":"), "statistics: %s", STR(s));
  CHECK(s && !strstr(s, "\"MemoryUsageCommitBytes\":0,"), "real memory figures: %s", STR(s));
  CHECK(s && strstr(s, want) && strstr(s, "\"ImageName\":\"sleep\""), "process list with the real pid: %s", STR(s));
  CHECK(s && strstr(s, "\"0\":{\"MappedVirtualDisks\":{\"0\":{\"HostPath\":\"C:\\\\d0.vhdx\",\"ContainerPath\":\"/mnt/d0\",\"Lun\":0,\"CreateInUtilityVM\":true}"),
        "disk controller map: %s", STR(s));
  CHECK(s && strstr(s, "\"AreUpdatesPending\":false") && strstr(s, "GuestConnectionInfo"), "other properties: %s", STR(s));
  free(s);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"RequestType\":\"Add\",\"Settings\":"
                      "{\"HostPath\":\"C:\\\\d2.vhdx\",\"ContainerPath\":\"/mnt/d2\"}}")), 0);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"RequestType\":\"Remove\",\"Settings\":"
                      "{\"ContainerPath\":\"/mnt/d0\"}}")), 0);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"RequestType\":\"Remove\",\"Settings\":"
                      "{\"ContainerPath\":\"/mnt/none\"}}")), ELEMENT_NOT_FOUND);
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"MappedVirtualDisk\"]}"), &props, &result), 0);
  s = take(props);
  CHECK(s && !strstr(s, "/mnt/d0") && strstr(s, "\"1\":{\"HostPath\"") && strstr(s, "\"/mnt/d2\",\"Lun\":2"),
        "modify reflected: %s", STR(s));
  free(s);
  CHECK_HR(HcsCloseProcess(p), 0);
  dispose_system(h, cb, ctx);
}

void test_pause_resume_save(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_SYSTEM_H h = started_system("pause-1", NULL, &ctx, &cb);
  HCS_WCHAR *result = NULL;
  HCS_PROCESS_INFORMATION_ info;
  HCS_PROCESS_H p = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandArgs\":[\"sleep\",\"10\"]}"), &info, &p, &result), 0);
  CHECK_HR(HcsPauseComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 4, 1, 5000) != NULL, "PauseCompleted");
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%u/stat", info.ProcessId);
  FILE *f = fopen(path, "r");
  char state = '?';
  if (f) {
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    char *rp = strrchr(buf, ')');
    if (rp) state = rp[2];
  }
  CHECK(state == 'T', "paused process is stopped (state %c)", state);
  HCS_PROCESS_H none = NULL;
  CHECK_HR(HcsCreateProcess(h, W("{\"CommandLine\":\"true\"}"), &info, &none, &result), INVALID_STATE);
  CHECK(none == NULL, "no handle on failure");
  free(take(result));
  CHECK_HR(HcsSaveComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 8, 1, 5000) != NULL, "SaveCompleted");
  CHECK_HR(HcsResumeComputeSystem(h, W(""), &result), PENDING);
  free(take(result));
  CHECK(wait_event(ctx, 5, 1, 5000) != NULL, "ResumeCompleted");
  HCS_WCHAR *props = NULL;
  CHECK_HR(HcsGetComputeSystemProperties(h, W(""), &props, &result), 0);
  CHECK(take_has(props, "\"State\":\"Running\""), "running after resume");
  CHECK_HR(HcsCloseProcess(p), 0);
  dispose_system(h, cb, ctx);
}

void test_service_and_hns(void) {
  HCS_WCHAR *props = NULL, *result = NULL, *resp = NULL;
  CHECK_HR(HcsGetServiceProperties(W(""), &props, &result), 0);
  CHECK(take_has(props, "SupportedSchemaVersions"), "service properties");
  CHECK_HR(HcsGetServiceProperties(W("nope"), &props, &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HcsModifyServiceSettings(W("{\"PropertyType\":\"CpuGroup\",\"Settings\":{}}"), &result), 0);
  CHECK_HR(HcsModifyServiceSettings(W(""), &result), INVALID_JSON);
  free(take(result));
  CHECK_HR(HNSCall(W("GET"), W("/networks"), W(""), &resp), 0);
  CHECK(take_has(resp, "\"Success\":false"), "HNS not simulated");

  /* NameToGuid: deterministic, name-sensitive, RFC 4122 variant and version 8 bits, NULLs refused. */
  HCS_GUID_ a, b, c;
  memset(&a, 0, sizeof a);
  CHECK_HR(NameToGuid(W("layer-1"), &a), 0);
  CHECK_HR(NameToGuid(W("layer-1"), &b), 0);
  CHECK_HR(NameToGuid(W("Layer-1"), &c), 0);
  CHECK(!memcmp(&a, &b, sizeof a) && memcmp(&a, &c, sizeof a), "same name same GUID, another name another");
  CHECK((a.Data3 >> 12) == 8 && (a.Data4[0] & 0xc0) == 0x80, "version 8, RFC 4122 variant");
  CHECK_HR(NameToGuid(NULL, &a), (int32_t)0x80070057u);
  CHECK_HR(NameToGuid(W("x"), NULL), (int32_t)0x80004003u);
  ctl0("{\"Op\":\"Fault\",\"Export\":\"NameToGuid\",\"Mode\":\"fail\",\"HResult\":\"0x80070005\"}");
  CHECK_HR(NameToGuid(W("x"), &a), (int32_t)0x80070005u);
  CHECK_HR(NameToGuid(W("x"), &a), 0);
}

void test_terminate_on_last_close(void) {
  HCS_SYSTEM_H h = NULL;
  HCS_WCHAR *result = NULL;
  uintptr_t ctx = next_ctx();
  HCS_CALLBACK_H cb;
  CHECK_HR(HcsCreateComputeSystem(W("tolhc"), W("{\"TerminateOnLastHandleClosed\":true}"), NULL, &h, &result), PENDING);
  free(take(result));
  CHECK_HR(HcsRegisterComputeSystemCallback(h, record_cb, (void *)ctx, &cb), 0);
  CHECK(wait_event(ctx, 2, 1, 5000) != NULL, "created");
  CHECK_HR(HcsCloseComputeSystem(h), 0);
  CHECK(wait_event(ctx, 1, 1, 5000) != NULL, "closing the last handle terminated it");
  for (int i = 0; i < 100 && stat_of("ComputeSystems") != 0; i++) sleep_ms(10);
  CHECK(stat_of("ComputeSystems") == 0, "and forgot it");
  CHECK_HR(HcsUnregisterComputeSystemCallback(cb), 0);
}

/* A MappedVirtualDisk modify other than Add or Remove is refused: it used to be taken as Add (a second disk). */
void test_modify_disk_update(void) {
  uintptr_t ctx;
  HCS_CALLBACK_H cb;
  HCS_SYSTEM_H h = started_system(
      "modify-update-1", "{\"MappedVirtualDisks\":[{\"HostPath\":\"C:\\\\d0.vhdx\",\"ContainerPath\":\"/mnt/d0\"}]}", &ctx,
      &cb);
  HCS_WCHAR *props = NULL, *result = NULL;
  CHECK_HR(HcsModifyComputeSystem(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"RequestType\":\"Update\",\"Settings\":"
                                       "{\"HostPath\":\"C:\\\\d0.vhdx\",\"ContainerPath\":\"/mnt/d0\",\"ReadOnly\":true}}"),
                                  &result),
           INVALID_JSON);
  CHECK(take_has(result, "\"Error\":-1070137075"), "a result document");
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"MappedVirtualDisk\"]}"), &props, &result), 0);
  char *s = take(props);
  CHECK(s && strstr(s, "\"/mnt/d0\",\"Lun\":0") && !strstr(s, "\"Lun\":1") && !strstr(s, "\"ReadOnly\":true"),
        "the disks are unchanged: %s", STR(s));
  free(s);
  /* Add (also with RequestType omitted) and Remove still work; other resources still accept Update. */
  CHECK_HR(modify(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"Settings\":{\"ContainerPath\":\"/mnt/d1\"}}")), 0);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"MappedVirtualDisk\",\"RequestType\":\"Remove\",\"Settings\":"
                      "{\"ContainerPath\":\"/mnt/d0\"}}")), 0);
  CHECK_HR(modify(h, W("{\"ResourceType\":\"Network\",\"RequestType\":\"Update\",\"Settings\":\"ep-1\"}")), 0);
  CHECK_HR(HcsGetComputeSystemProperties(h, W("{\"PropertyTypes\":[\"MappedVirtualDisk\"]}"), &props, &result), 0);
  s = take(props);
  CHECK(s && strstr(s, "\"/mnt/d1\",\"Lun\":1") && !strstr(s, "/mnt/d0"), "add and remove applied: %s", STR(s));
  free(s);
  dispose_system(h, cb, ctx);
}
