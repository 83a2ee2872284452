// On Linux the Swift runtime finds argc and argv with a static constructor that reads /proc/self/maps to
// locate the stack. With libcurl's libraries mapped that file has some 180 lines and takes about 0.3 ms to
// read: a twentieth of a whole request. glibc passes argc and argv to every .init_array function, so they
// are kept here, and the runtime's lookup function is defined here too. The runtime's own definition and
// its constructor then stay out of a binary linked with the static Swift runtime (as `make build` links
// it); with the shared runtime of a debug build this one is unused and the runtime reads the file still.
// musl calls .init_array functions without arguments, so elsewhere the runtime keeps its own way.
#if defined(__linux__)
#include <features.h>
#endif
#if defined(__linux__) && defined(__GLIBC__)

// What the runtime answers when it finds nothing: no arguments, never a null array.
static char *noArguments[] = { 0 };
static int argumentCount;
static char **argumentVector = noArguments;

static void keepArguments(int argc, char **argv, char **envp) {
    (void)envp;
    if (!argv) return;
    argumentCount = argc;
    argumentVector = argv;
}

__attribute__((section(".init_array"), used))
static void (*const keepArgumentsAtStart)(int, char **, char **) = keepArguments;

__attribute__((swiftcall, visibility("hidden")))
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    *outArgLen = argumentCount;
    return argumentVector;
}

#endif
