#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HomeServeCLI

exit(HomeServe.main(CommandLine.arguments))
