import Foundation
import HomeServeSandbox

exit(await SandboxServer.run(arguments: Array(CommandLine.arguments.dropFirst())))
