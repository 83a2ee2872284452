#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import HomeServeKit

exit(HomeServe.main(Swift.CommandLine.arguments))
