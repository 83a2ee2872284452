#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HomeServeCLI

// The arguments' bytes, which `CommandLine.arguments` holds with what is not UTF-8 read as U+FFFD.
let raw = (0..<Int(CommandLine.argc)).map { index in
    CommandLine.unsafeArgv[index].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
}
// Everything homeserve writes has been written and checked by the time `main` returns, so the process
// ends without running the libraries' exit handlers (OpenSSL freeing its tables costs more than the rest
// of a short command's exit).
_exit(HomeServe.main(CommandLine.arguments, raw: raw))
