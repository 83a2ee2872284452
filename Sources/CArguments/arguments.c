// On Linux the Swift runtime finds argc and argv with a static constructor that reads /proc/self/maps to
// locate the stack. With libcurl's libraries mapped that file has some 180 lines and takes about 0.3 ms to
// read: a twentieth of a whole request. glibc passes argc and argv to every .init_array function, so they
// are kept here, and the runtime's lookup function is defined here too. The runtime's own definition and
// its constructor then stay out of a statically linked binary; with a shared runtime this one is unused.
// musl calls .init_array functions without arguments, so elsewhere the runtime keeps its own way.
#if defined(__linux__)
#include <features.h>
#endif
#if defined(__linux__) && defined(__GLIBC__)

static int argumentCount;
static char **argumentVector;

static void keepArguments(int argc, char **argv, char **envp) {
    (void)envp;
    argumentCount = argc;
    argumentVector = argv;
}

__attribute__((section(".init_array"), used))
static void (*const keepArgumentsAtStart)(int, char **, char **) = keepArguments;

__attribute__((swiftcall))
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    *outArgLen = argumentCount;
    return argumentVector;
}

#endif
