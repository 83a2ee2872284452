#include "CJQ.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct hs_jq_api hs_jq;

#ifdef __APPLE__
// dyld does not search Homebrew's prefixes by itself.
static const char *const candidates[] = {"libjq.1.dylib", "/opt/homebrew/lib/libjq.1.dylib", "/usr/local/lib/libjq.1.dylib"};
#else
static const char *const candidates[] = {"libjq.so.1"};
#endif

static char failure[512];
static int opened;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_library(void) {
    void *handle = NULL;
    for (size_t i = 0; !handle && i < sizeof candidates / sizeof candidates[0]; i++) {
        handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle && i == 0) snprintf(failure, sizeof failure, "%s", dlerror());
    }
    if (!handle) return;
    struct { void **slot; const char *name; } symbols[] = {
        {(void **)&hs_jq.init, "jq_init"},
        {(void **)&hs_jq.set_error_cb, "jq_set_error_cb"},
        {(void **)&hs_jq.set_debug_cb, "jq_set_debug_cb"},
        {(void **)&hs_jq.set_input_cb, "jq_set_input_cb"},
        {(void **)&hs_jq.set_attr, "jq_set_attr"},
        {(void **)&hs_jq.halted, "jq_halted"},
        {(void **)&hs_jq.get_exit_code, "jq_get_exit_code"},
        {(void **)&hs_jq.get_error_message, "jq_get_error_message"},
        {(void **)&hs_jq.compile, "jq_compile"},
        {(void **)&hs_jq.teardown, "jq_teardown"},
        {(void **)&hs_jq.start, "jq_start"},
        {(void **)&hs_jq.next, "jq_next"},
        {(void **)&hs_jq.copy, "jv_copy"},
        {(void **)&hs_jq.free, "jv_free"},
        {(void **)&hs_jq.get_kind, "jv_get_kind"},
        {(void **)&hs_jq.invalid_has_msg, "jv_invalid_has_msg"},
        {(void **)&hs_jq.invalid_get_msg, "jv_invalid_get_msg"},
        {(void **)&hs_jq.dump_string, "jv_dump_string"},
        {(void **)&hs_jq.string_value, "jv_string_value"},
        {(void **)&hs_jq.string_length_bytes, "jv_string_length_bytes"},
        {(void **)&hs_jq.parse_sized, "jv_parse_sized"},
        {(void **)&hs_jq.string, "jv_string"},
        {(void **)&hs_jq.array, "jv_array"},
        {(void **)&hs_jq.invalid, "jv_invalid"},
        {(void **)&hs_jq.number_value, "jv_number_value"},
    };
    for (size_t i = 0; i < sizeof symbols / sizeof symbols[0]; i++) {
        *symbols[i].slot = dlsym(handle, symbols[i].name);
        if (!*symbols[i].slot) {
            snprintf(failure, sizeof failure, "the libjq found has no %s", symbols[i].name);
            dlclose(handle);
            return;
        }
    }
    opened = 1;
}

const char *hs_jq_open(void) {
    pthread_once(&once, open_library);
    return opened ? NULL : failure;
}

static _Thread_local int input_asked;

static jv no_more_input(jq_state *state, void *data) {
    (void)state;
    (void)data;
    input_asked = 1;
    return hs_jq.invalid();
}

int hs_jq_take_input_asked(void) {
    int asked = input_asked;
    input_asked = 0;
    return asked;
}

jq_state *hs_jq_new(void) {
    jq_state *state = hs_jq.init();
    if (!state) return NULL;
    hs_jq.set_attr(state, hs_jq.string("JQ_LIBRARY_PATH"), hs_jq.array());
    // "$ORIGIN/…" in a module's search path is read from these; unset, libjq aborts.
    hs_jq.set_attr(state, hs_jq.string("JQ_ORIGIN"), hs_jq.string("/nonexistent"));
    hs_jq.set_attr(state, hs_jq.string("PROGRAM_ORIGIN"), hs_jq.string("."));
    hs_jq.set_input_cb(state, no_more_input, NULL);
    return state;
}
