import Foundation
import SLMEngine

/// `slm-tui bench --kernels`: weight throughput of each quant kernel.
enum BenchCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let arguments = try Arguments(words, flags: ["--kernels", "--json"], options: ["--path"])
        guard arguments.has("--kernels"), arguments.positionals.isEmpty else {
            throw UsageError("bench needs --kernels (model benchmarks come with the engine)")
        }
        if let name = arguments.options["--path"] {
            guard let path = KernelPath.allCases.first(where: { $0.description == name }) else {
                throw UsageError("unknown kernel path \(name); paths: \(KernelPath.allCases.map(\.description).joined(separator: ", "))")
            }
            guard path.activate() else {
                throw BenchError("kernel path \(name) is not available on this machine")
            }
        }
        let benchmark = KernelBenchmark()
        let types = QuantType.allCases.filter(\.hasKernels)
        if !arguments.has("--json") {
            Console.print("kernel path \(KernelPath.active) (available: \(KernelPath.available.map(\.description).joined(separator: ", "))); \(benchmark.rows)x\(benchmark.columns) matrix x vector, 1 thread")
            Console.print("type      MB      GB/s")
        }
        var results: [KernelResultJSON] = []
        for type in types {
            let result = try benchmark.measure(type)
            results.append(KernelResultJSON(result))
            if !arguments.has("--json") {
                let megabytes = String(format: "%6.1f", Double(result.weightBytes) / 1e6)
                let rate = String(format: "%7.2f", result.gigabytesPerSecond)
                Console.print(type.name.padding(toLength: 8, withPad: " ", startingAt: 0) + megabytes + "  " + rate)
            }
        }
        if arguments.has("--json") { try Console.printJSON(results) }
        return 0
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One row of `bench --kernels --json`.
struct KernelResultJSON: Encodable {
    let type: String
    let path: String
    let weight_bytes: Int
    let gb_per_s: Double

    init(_ result: KernelBenchmark.Result) {
        type = result.type.name
        path = result.path.description
        weight_bytes = result.weightBytes
        gb_per_s = result.gigabytesPerSecond
    }
}
