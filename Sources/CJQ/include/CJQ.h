#ifndef HOMESERVE_CJQ_H
#define HOMESERVE_CJQ_H
// libjq, opened on first use: a command without --jq does not load it (or libonig) at start-up, and
// homeserve runs on a machine without it. The hs_ functions below stand for the jq_ and jv_ ones.
#include <jq.h>
#include <jv.h>

/// Opens libjq once. NULL when it is there; otherwise why it is not, for a message.
const char *hs_jq_open(void);

/// A jq state ready for a program given on the command line: `input` and `inputs` find no more input,
/// and `import` and `include` search the current directory, as jq's own command does without -L
/// (libjq needs the input callback and the search settings, or it crashes).
jq_state *hs_jq_new(void);
/// Whether the program asked for input past the one it runs on (`input`, `inputs`) since the last call;
/// libjq 1.6 then ends it with the bare error "break". Clears the mark.
int hs_jq_take_input_asked(void);

struct hs_jq_api {
    jq_state *(*init)(void);
    void (*set_error_cb)(jq_state *, jq_msg_cb, void *);
    void (*set_debug_cb)(jq_state *, jq_msg_cb, void *);
    void (*set_input_cb)(jq_state *, jq_input_cb, void *);
    void (*set_attr)(jq_state *, jv, jv);
    int (*halted)(jq_state *);
    jv (*get_exit_code)(jq_state *);
    jv (*get_error_message)(jq_state *);
    int (*compile)(jq_state *, const char *);
    void (*teardown)(jq_state **);
    void (*start)(jq_state *, jv, int);
    jv (*next)(jq_state *);
    jv (*copy)(jv);
    void (*free)(jv);
    jv_kind (*get_kind)(jv);
    int (*invalid_has_msg)(jv);
    jv (*invalid_get_msg)(jv);
    jv (*dump_string)(jv, int);
    const char *(*string_value)(jv);
    int (*string_length_bytes)(jv);
    jv (*parse_sized)(const char *, int);
    jv (*string)(const char *);
    jv (*array)(void);
    jv (*invalid)(void);
    double (*number_value)(jv);
};
/// Filled by hs_jq_open; call nothing below before it has succeeded.
extern struct hs_jq_api hs_jq;

static inline void hs_jq_set_error_cb(jq_state *s, jq_msg_cb cb, void *data) { hs_jq.set_error_cb(s, cb, data); }
static inline void hs_jq_set_debug_cb(jq_state *s, jq_msg_cb cb, void *data) { hs_jq.set_debug_cb(s, cb, data); }
static inline int hs_jq_halted(jq_state *s) { return hs_jq.halted(s); }
static inline jv hs_jq_get_exit_code(jq_state *s) { return hs_jq.get_exit_code(s); }
static inline jv hs_jq_get_error_message(jq_state *s) { return hs_jq.get_error_message(s); }
static inline double hs_jv_number_value(jv value) { return hs_jq.number_value(value); }
static inline int hs_jq_compile(jq_state *s, const char *program) { return hs_jq.compile(s, program); }
static inline void hs_jq_teardown(jq_state **s) { hs_jq.teardown(s); }
static inline void hs_jq_start(jq_state *s, jv input, int flags) { hs_jq.start(s, input, flags); }
static inline jv hs_jq_next(jq_state *s) { return hs_jq.next(s); }
static inline jv hs_jv_copy(jv value) { return hs_jq.copy(value); }
static inline void hs_jv_free(jv value) { hs_jq.free(value); }
static inline jv_kind hs_jv_get_kind(jv value) { return hs_jq.get_kind(value); }
static inline int hs_jv_is_valid(jv value) { return hs_jq.get_kind(value) != JV_KIND_INVALID; }
static inline int hs_jv_invalid_has_msg(jv value) { return hs_jq.invalid_has_msg(value); }
static inline jv hs_jv_invalid_get_msg(jv value) { return hs_jq.invalid_get_msg(value); }
static inline jv hs_jv_dump_string(jv value, int flags) { return hs_jq.dump_string(value, flags); }
static inline const char *hs_jv_string_value(jv value) { return hs_jq.string_value(value); }
static inline int hs_jv_string_length_bytes(jv value) { return hs_jq.string_length_bytes(value); }
static inline jv hs_jv_parse_sized(const char *text, int length) { return hs_jq.parse_sized(text, length); }

#endif
