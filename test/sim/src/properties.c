/* Property documents: enumeration, HcsGetComputeSystemProperties and ProcessStatus. */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const char *state_name(sys_state st) {
  switch (st) {
    case ST_CREATED: return "Created";
    case ST_RUNNING: return "Running";
    case ST_PAUSED: return "Paused";
    default: return "Stopped";
  }
}

void write_base_properties(sb *b, const sim_system *s) {
  sb_puts(b, "{\"Id\":");
  sb_json_str(b, s->id);
  sb_puts(b, ",\"Name\":");
  sb_json_str(b, s->name);
  sb_puts(b, ",\"SystemType\":");
  sb_json_str(b, s->system_type);
  sb_puts(b, ",\"Owner\":");
  sb_json_str(b, s->owner);
  sb_printf(b, ",\"State\":\"%s\",\"Stopped\":%s,\"RuntimeOsType\":\"%s\"", state_name(s->state),
            s->state == ST_STOPPED ? "true" : "false", sim_strieq(s->container_type, "Linux") ? "Linux" : "Windows");
  if (s->state == ST_STOPPED) sb_puts(b, ",\"ExitType\":\"Terminated\"");
}

char *process_status_doc(const sim_process *p) {
  sb b = {0};
  sb_printf(&b, "{\"ProcessId\":%u,\"Exited\":%s,\"ExitCode\":%u,\"LastWaitResult\":%d}", p->pid,
            p->exited ? "true" : "false", p->exited ? p->exit_code : 0u, (int)p->last_wait_result);
  return sb_take(&b);
}

/* Any element of a string array matches s (case-insensitively); an absent or empty filter matches everything. */
static int filter_match(const jv *arr, const char *s) {
  if (!arr || arr->t != JV_ARR || arr->n == 0) return 1;
  for (size_t i = 0; i < arr->n; i++)
    if (arr->items[i]->t == JV_STR && sim_strieq(arr->items[i]->str, s)) return 1;
  return 0;
}

static int string_array(const jv *v) {
  if (!v || v->t == JV_NULL) return 1;
  if (v->t != JV_ARR) return 0;
  for (size_t i = 0; i < v->n; i++)
    if (v->items[i]->t != JV_STR) return 0;
  return 1;
}

SIM_EXPORT HRESULT_ HcsEnumerateComputeSystems(const wchar16 *query, wchar16 **computeSystems, wchar16 **result) {
  if (computeSystems) *computeSystems = NULL;
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *q = NULL;
  LOCK();
  if (prologue("HcsEnumerateComputeSystems", result, &f, &hr)) goto out;
  if (!computeSystems) { hr = fail_with(result, E_POINTER_, "computeSystems is NULL"); goto out; }
  q = parse_input(query, 1, err, sizeof err);
  if (!q) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const jv *ids = json_get(q, "Ids"), *names = json_get(q, "Names"), *owners = json_get(q, "Owners"),
           *types = json_get(q, "Types");
  if (!string_array(ids) || !string_array(names) || !string_array(owners) || !string_array(types)) {
    hr = fail_with(result, HR_INVALID_JSON, "query filters must be arrays of strings");
    goto out;
  }
  sb b = {0};
  sb_puts(&b, "[");
  int first = 1;
  for (sim_system *s = G.systems; s; s = s->next) {
    if (!filter_match(ids, s->id) || !filter_match(names, s->name) || !filter_match(owners, s->owner) ||
        !filter_match(types, s->system_type))
      continue;
    if (!first) sb_puts(&b, ",");
    first = 0;
    write_base_properties(&b, s);
    sb_puts(&b, "}");
  }
  sb_puts(&b, "]");
  *computeSystems = utf8_to_out(b.s);
  sb_free(&b);
  hr = S_OK_;
out:
  UNLOCK();
  json_free(q);
  return hr;
}

static void write_statistics(sb *b, const sim_system *s) {
  int64_t now = sim_wall_100ns();
  sim_proc_usage total;
  memset(&total, 0, sizeof total);
  for (const sim_process *p = s->procs; p; p = p->next) {
    if (p->exited || !p->os) continue;
    sim_proc_usage u;
    memset(&u, 0, sizeof u);
    sim_os_usage(p->os, &u);
    total.user_100ns += u.user_100ns;
    total.kernel_100ns += u.kernel_100ns;
    total.commit_bytes += u.commit_bytes;
    total.private_ws_bytes += u.private_ws_bytes;
  }
  sb_puts(b, ",\"Statistics\":{\"Timestamp\":");
  format_time(b, now);
  sb_puts(b, ",\"ContainerStartTime\":");
  format_time(b, s->started_wall ? s->started_wall : s->created_wall);
  uint64_t up = (s->started_wall && s->state != ST_STOPPED) ? (uint64_t)(now - s->started_wall) : 0;
  sb_printf(b,
            ",\"Uptime100ns\":%llu,\"Memory\":{\"MemoryUsageCommitBytes\":%llu,\"MemoryUsageCommitPeakBytes\":%llu,"
            "\"MemoryUsagePrivateWorkingSetBytes\":%llu},\"Processor\":{\"TotalRuntime100ns\":%llu,"
            "\"RuntimeUser100ns\":%llu,\"RuntimeKernel100ns\":%llu},\"Storage\":{},\"Network\":[]}",
            (unsigned long long)up, (unsigned long long)total.commit_bytes, (unsigned long long)total.commit_bytes,
            (unsigned long long)total.private_ws_bytes, (unsigned long long)(total.user_100ns + total.kernel_100ns),
            (unsigned long long)total.user_100ns, (unsigned long long)total.kernel_100ns);
}

static void write_process_list(sb *b, const sim_system *s) {
  sb_puts(b, ",\"ProcessList\":[");
  int first = 1;
  for (const sim_process *p = s->procs; p; p = p->next) {
    if (p->exited || !p->os) continue;
    sim_proc_usage u;
    memset(&u, 0, sizeof u);
    sim_os_usage(p->os, &u);
    if (!first) sb_puts(b, ",");
    first = 0;
    sb_puts(b, "{\"CreateTimestamp\":");
    format_time(b, p->created_wall);
    sb_puts(b, ",\"ImageName\":");
    sb_json_str(b, sim_os_image_name(p->os));
    sb_printf(b,
              ",\"KernelTime100ns\":%llu,\"MemoryCommitBytes\":%llu,\"MemoryWorkingSetPrivateBytes\":%llu,"
              "\"MemoryWorkingSetSharedBytes\":%llu,\"ProcessId\":%u,\"UserTime100ns\":%llu}",
              (unsigned long long)u.kernel_100ns, (unsigned long long)u.commit_bytes,
              (unsigned long long)u.private_ws_bytes, (unsigned long long)u.shared_ws_bytes, p->pid,
              (unsigned long long)u.user_100ns);
  }
  sb_puts(b, "]");
}

static void write_disks(sb *b, const sim_system *s) {
  sb_puts(b, ",\"MappedVirtualDiskControllers\":{\"0\":{\"MappedVirtualDisks\":{");
  int first = 1;
  for (const disk *d = s->disks; d; d = d->next) {
    if (!first) sb_puts(b, ",");
    first = 0;
    sb_printf(b, "\"%u\":{\"HostPath\":", d->lun);
    sb_json_str(b, d->host_path);
    sb_puts(b, ",\"ContainerPath\":");
    sb_json_str(b, d->container_path);
    sb_printf(b, ",\"Lun\":%u", d->lun);
    if (d->create_in_uvm) sb_puts(b, ",\"CreateInUtilityVM\":true");
    if (d->read_only) sb_puts(b, ",\"ReadOnly\":true");
    if (*d->cache) {
      sb_puts(b, ",\"Cache\":");
      sb_json_str(b, d->cache);
    }
    if (d->attach_only) sb_puts(b, ",\"AttachOnly\":true");
    sb_puts(b, "}");
  }
  sb_puts(b, "}}}");
}

static const char *const property_types[] = {"Statistics", "ProcessList", "MappedVirtualDisk", "GuestConnection",
                                             "PendingUpdates"};

SIM_EXPORT HRESULT_ HcsGetComputeSystemProperties(void *h, const wchar16 *propertyQuery, wchar16 **properties,
                                                  wchar16 **result) {
  if (properties) *properties = NULL;
  fault f;
  HRESULT_ hr;
  char err[160];
  jv *q = NULL;
  LOCK();
  if (prologue("HcsGetComputeSystemProperties", result, &f, &hr)) goto out;
  sim_system *s = handle_get(h, H_SYSTEM);
  if (!s) { hr = fail_with(result, HR_INVALID_HANDLE, "the compute system handle is invalid"); goto out; }
  if (!properties) { hr = fail_with(result, E_POINTER_, "properties is NULL"); goto out; }
  q = parse_input(propertyQuery, 1, err, sizeof err);
  if (!q) { hr = fail_with(result, HR_INVALID_JSON, err); goto out; }
  const jv *types = json_get(q, "PropertyTypes");
  if (!string_array(types)) { hr = fail_with(result, HR_INVALID_JSON, "PropertyTypes must be an array of strings"); goto out; }
  int want[5] = {0};
  for (size_t i = 0; types && types->t == JV_ARR && i < types->n; i++) {
    size_t k = 0;
    while (k < 5 && !sim_strieq(types->items[i]->str, property_types[k])) k++;
    if (k == 5) { hr = fail_with(result, HR_INVALID_JSON, "unsupported property type"); goto out; }
    want[k] = 1;
  }
  sb b = {0};
  write_base_properties(&b, s);
  if (want[0]) write_statistics(&b, s);
  if (want[1]) write_process_list(&b, s);
  if (want[2]) write_disks(&b, s);
  if (want[3])
    sb_puts(&b, ",\"GuestConnectionInfo\":{\"SupportedSchemaVersions\":[{\"Major\":1},{\"Major\":2,\"Minor\":1}],"
                "\"ProtocolVersion\":4,\"GuestDefinedCapabilities\":{\"SignalProcessSupported\":true}}");
  if (want[4]) sb_puts(&b, ",\"AreUpdatesPending\":false");
  sb_puts(&b, "}");
  *properties = utf8_to_out(b.s);
  sb_free(&b);
  hr = S_OK_;
out:
  UNLOCK();
  json_free(q);
  return hr;
}
