import Foundation

let status = SLMCommandLine.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
