#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HomeServeCLI

// Everything homeserve writes has been written and checked by the time `main` returns, so the process
// ends without running the libraries' exit handlers (OpenSSL freeing its tables costs more than the rest
// of a short command's exit).
_exit(HomeServe.main(CommandLine.arguments))
