/* Internal model of the simulator: objects, global state, the notification dispatcher and helpers. */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdint.h>

#include "json.h"
#include "platform.h"
#include "text.h"

typedef int32_t HRESULT_;

#define HR(x) ((HRESULT_)(uint32_t)(x))
#define S_OK_ 0
#define E_POINTER_ HR(0x80004003)
#define E_INVALIDARG_ HR(0x80070057)
#define E_FAIL_ HR(0x80004005)
#define E_NOTIMPL_ HR(0x80004001)
#define HR_INVALID_HANDLE HR(0x80070006)
#define HR_NOT_FOUND HR(0x80070490)
#define HR_NOT_SUPPORTED HR(0x80070032)
#define HR_RPC_UNAVAILABLE HR(0x800706BA)
#define HR_PENDING HR(0xC0370103)
#define HR_INVALID_STATE HR(0xC0370105)
#define HR_UNEXPECTED_EXIT HR(0xC0370106)
#define HR_INVALID_JSON HR(0xC037010D)
#define HR_SYSTEM_NOT_FOUND HR(0xC037010E)
#define HR_ALREADY_EXISTS HR(0xC037010F)
#define HR_ALREADY_STOPPED HR(0xC0370110)
#define HR_FROM_WIN32(e) ((e) ? HR(0x80070000u | ((uint32_t)(e)&0xFFFFu)) : 0)

enum {
  N_SYSTEM_EXITED = 0x1,
  N_CREATE_COMPLETED = 0x2,
  N_START_COMPLETED = 0x3,
  N_PAUSE_COMPLETED = 0x4,
  N_RESUME_COMPLETED = 0x5,
  N_SAVE_COMPLETED = 0x8,
  N_PROCESS_EXITED = 0x10000,
  N_SERVICE_DISCONNECT = 0x01000000
};

typedef void (*sim_callback)(uint32_t type, void *context, int32_t status, const wchar16 *data);

typedef enum { ST_CREATED, ST_RUNNING, ST_PAUSED, ST_STOPPED } sys_state;

/* A notification kept for a target with no registration yet. */
typedef struct note {
  uint32_t type;
  int32_t status;
  char *data; /* UTF-8 or NULL */
  struct note *next;
} note;

typedef struct note_queue {
  note *head, *tail;
} note_queue;

struct sim_system;
struct sim_process;

/*
 * An open system or process handle. Notifications for its target that arrive while no registration made through
 * this handle is alive wait here and go, in order, to the next registration made through it. Why per handle: a
 * handle opened later must not receive what happened before it existed (a registration on a newly opened handle
 * gets no earlier SystemExited), while a handle registered right after HcsCreateComputeSystem or HcsCreateProcess still gets what
 * fired in between, which hcsshim relies on. How real HCS queues is not documented; this is the narrower reading.
 */
typedef struct sim_handle {
  struct sim_system *sys;  /* exactly one of sys/proc: the target (the handle's own reference keeps it alive) */
  struct sim_process *proc;
  int regs;                /* live registrations made through this handle */
  note_queue pending;
  struct sim_handle *tnext, *tprev; /* the target's open handles */
  struct sim_handle *gnext, *gprev; /* G.handles */
} sim_handle;

typedef struct disk {
  unsigned lun;
  char *host_path, *container_path, *cache;
  int create_in_uvm, read_only, attach_only;
  struct disk *next;
} disk;

struct sim_process;

typedef struct sim_system {
  int refs, listed, busy;
  unsigned epoch;
  struct sim_system *next, *prev; /* G.systems, in creation order, while listed */
  struct sim_system *hnext;       /* the G.sys_index bucket, while listed */
  char *id, *name, *owner, *system_type, *container_type;
  int hv_partition, terminate_on_last_close;
  sys_state state;
  int op_pending;     /* a Start/Pause/Resume/Save completion is scheduled */
  int stopping;       /* Shutdown/Terminate accepted, SystemExited not yet applied */
  int kill_queued;    /* a Shutdown's grace-period kill is in the dispatch queue */
  int exit_scheduled; /* SystemExited action queued */
  int32_t exit_status;
  int exit_notify, exit_dup;
  int64_t created_wall, started_wall;
  int handles;
  int live; /* processes not yet reaped */
  struct sim_process *procs;
  disk *disks;
  unsigned modifications;
  sim_handle *hs_head, *hs_tail;    /* its open handles */
  struct sim_reg *regs, *regs_tail; /* registrations on the system itself (not on its processes) */
} sim_system;

typedef struct sim_process {
  int refs, listed, busy;
  unsigned epoch;
  struct sim_process *next;
  struct sim_process *next_live, *prev_live; /* G.live list, until reaped */
  sim_system *sys;
  uint32_t pid;
  sim_os_proc *os;
  int exited, killed_by_sim;
  uint32_t exit_code;
  int32_t last_wait_result;
  int64_t created_wall;
  int handles;
  int console;
  int console_race; /* ended by the ConPTY start-up race: exits with STATUS_CONTROL_C_EXIT */
  sim_handle *hs_head, *hs_tail; /* its open handles */
  struct sim_reg *regs, *regs_tail; /* registrations on this process */
} sim_process;

typedef struct sim_reg {
  int refs, dead, in_flight;
  unsigned epoch;
  sim_system *sys;      /* exactly one of sys/proc */
  sim_process *proc;
  sim_callback cb;
  void *ctx;
  sim_handle *hs; /* the handle it was made through, until that handle closes */
  int linked;
  struct sim_reg *next, *prev;   /* G.regs, in registration order */
  struct sim_reg *tnext, *tprev; /* its target's list, in registration order */
} sim_reg;

/* Fault modes of HcsSimControl {"Op":"Fault"}. */
typedef enum { FM_NONE, FM_FAIL, FM_ASYNC_FAIL, FM_HANG, FM_DROP, FM_DUP, FM_EARLY, FM_EXIT_DURING, FM_SET, FM_SYNC } fault_mode;

typedef struct fault {
  char export_name[64];
  fault_mode mode;
  int32_t hr;
  int has_hr;
  int count;
  int64_t delay_ms;
  int has_delay;
  int32_t last_wait_result;
  int has_last_wait_result;
  int64_t exit_code;
  int has_exit_code;
  struct fault *next;
} fault;

/* Dispatcher actions. */
typedef enum {
  A_NOTE,          /* deliver type/status/data */
  A_CREATE_DONE,
  A_START_DONE,
  A_PAUSE_DONE,
  A_RESUME_DONE,
  A_SAVE_DONE,
  A_SYS_EXIT,
  A_SHUTDOWN_KILL,
  A_PROC_EXIT,
  A_DISCONNECT
} action_kind;

typedef struct item {
  int64_t due;
  uint64_t seq;
  action_kind kind;
  sim_system *sys;     /* ref held */
  sim_process *proc;   /* ref held; the key when set */
  struct sim_reg *reg; /* ref held: an A_NOTE replayed to this registration only (else every registration) */
  uint32_t type;
  int32_t status;
  char *data;
  int notify, dup, waited, done;
  struct item *next;
} item;

typedef struct sim_globals {
  sim_mutex lock;
  sim_cond cond;
  unsigned epoch;
  unsigned release_gen; /* bumped by {"Op":"Release"}: ends every hang */
  int disconnected;
  int64_t completion_delay_ms;
  int64_t shutdown_grace_ms;
  sim_system *systems, *systems_tail;
  sim_system **sys_index; /* listed systems by case-folded id: sys_buckets chains (a power of two) */
  size_t sys_buckets;
  sim_process *live; /* every process not yet reaped, whatever its system's state */
  sim_reg *regs, *regs_tail;
  sim_handle *handles; /* every open system and process handle */
  item *queue;
  uint64_t seq;
  fault *faults;
  int system_handles, process_handles, callbacks, live_processes, systems_listed, queued_notes;
  int invalid_handles; /* calls made with a NULL, closed, forged or wrong-kind handle since the last Reset */
  int reapers; /* processes whose end has not been processed yet (by the watcher or a thread of their own) */
  int dispatch_started, dispatch_stop;
  sim_thread dispatch_threads[4];
  uint64_t delivered;
} sim_globals;

extern sim_globals G;

#define LOCK() sim_mutex_lock(&G.lock)
#define UNLOCK() sim_mutex_unlock(&G.lock)

/* ---- handles (handles.c); all with G.lock held ---- */
enum { H_SYSTEM = 1, H_PROCESS = 2, H_CALLBACK = 3 };
/* hs: the handle's queue state (system and process handles), else NULL. */
void *handle_new(int kind, void *obj, sim_handle *hs);
void *handle_get(void *h, int kind);
/* The queue state of a handle handle_get has just accepted. */
sim_handle *handle_state(void *h, int kind);
/* Frees the slot and returns the object (NULL when invalid) and, through hs (may be NULL), its queue state. */
void *handle_free(void *h, int kind, sim_handle **hs);
/* Invalidates every handle, calling fn for each live one. */
void handle_free_all(void (*fn)(int kind, void *obj, sim_handle *hs));

/* ---- objects (objects.c); all with G.lock held ---- */
void sys_ref(sim_system *s);
void sys_unref(sim_system *s);
/* Lists a new system (G.systems and the id index); sys_unlist takes it out. */
void sys_list(sim_system *s);
void sys_unlist(sim_system *s);
sim_system *sys_find(const char *id);
void proc_ref(sim_process *p);
void proc_unref(sim_process *p);
void proc_unlist(sim_process *p);
void reg_unref(sim_reg *r);
/* Links a registration into G.regs and its target's list; reg_unlink takes it out of both (idempotent). */
void reg_link(sim_reg *r);
void reg_unlink(sim_reg *r);
/* Adds / removes a process from G.live. */
void live_add(sim_process *p);
void live_remove(sim_process *p);
void notes_clear(note_queue *q);
/* A new handle's queue state, linked to its target (exactly one of s/p) and G.handles. */
sim_handle *hs_open(sim_system *s, sim_process *p);
/* Drops a closing handle's queue; registrations made through it outlive it (until unregistered). */
void hs_close(sim_handle *hs);
/* Keeps a notification for every open handle of the target without a live registration made through it. */
void hs_queue(sim_system *s, sim_process *p, uint32_t type, int32_t status, const char *data, int times);
/* Keeps one notification on a handle's queue. */
void hs_keep(sim_handle *hs, uint32_t type, int32_t status, const char *data);
/* Moves a handle's queued notifications to the dispatcher, each for registration r only. */
void notes_flush(sim_handle *hs, sim_reg *r);
/* Starts killing a system's live processes (kill) or asking them to stop (term). */
void sys_signal_processes(sim_system *s, int kill_them);
/* Called when a system may have finished stopping; schedules SystemExited once. */
void sys_maybe_exited(sim_system *s, int64_t delay_ms);

/* ---- dispatcher (dispatch.c) ---- */
/* Queues an action; returns the item (owned by the queue unless waited is set, then the caller frees it). */
item *dispatch_schedule(action_kind kind, sim_system *s, sim_process *p, uint32_t type, int32_t status,
                        const char *data, int64_t delay_ms, int notify, int dup, int waited);
/* A delay_ms for dispatch_schedule: due before everything already queued (replays of older notifications). */
#define DISPATCH_FIRST INT64_MIN
/*
 * Takes a registration's replays that have not run yet out of the queue, putting them back on its handle's queue
 * when that handle is still open and has no other registration (so a registration made again through it gets them).
 */
void dispatch_take_back_replays(sim_reg *r);
/* Waits (G.lock held) until a waited item is done, then frees it. */
void dispatch_wait_done(item *it);
void dispatch_drop_all(void);
void dispatch_stop_threads(void);

/* ---- callbacks (systems.c) ---- */
HRESULT_ register_callback(sim_system *s, sim_process *p, sim_handle *hs, sim_callback cb, void *ctx, void **out);
HRESULT_ unregister_callback(void *h, int want_process, const char *name);

/* ---- documents (properties.c) ---- */
void write_base_properties(sb *b, const sim_system *s);
char *process_status_doc(const sim_process *p);

/* ---- results (results.c) ---- */
char *result_doc(HRESULT_ hr, const char *message);
/* Writes a result document to *out (if out is non-NULL) and returns hr. */
HRESULT_ fail_with(wchar16 **out, HRESULT_ hr, const char *message);
const char *hr_message(HRESULT_ hr);
void format_time(sb *b, int64_t wall_100ns);

/* ---- faults (faults.c) ---- */
/* Takes (and counts down) the first fault for export; returns 1 and fills *f when there is one. */
int fault_take(const char *export_name, fault *f);
void faults_clear(void);
/* Blocks for a hang fault (G.lock held on entry and exit); delay 0 = until Reset/Release. Returns 1 when a Reset
 * ended it (the call must then fail without doing anything). */
int fault_hang(const fault *f);
/* Common prologue: output zeroing, disconnect check, fault lookup (with hang), fail mode. Returns 1 to stop. */
int prologue(const char *export_name, wchar16 **result, fault *f, HRESULT_ *hr);
/* Prologue of HcsClose* and HcsUnregister*: no disconnect check (they release local state), fail and hang faults
 * only. Returns 1 to stop with *hr. */
int close_prologue(const char *export_name, HRESULT_ *hr);

/* Parses a JSON document from a UTF-16 input; "" or NULL gives an empty object when allow_empty. */
jv *parse_input(const wchar16 *w, int allow_empty, char *err, size_t errlen);
/* Reads an HRESULT given as a number or a "0x..." string. */
int read_hresult(const jv *v, int32_t *out);

#endif
