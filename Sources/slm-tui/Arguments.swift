/// A command line split into positionals, flags and options, refusing anything unknown.
struct Arguments {
    private(set) var positionals: [String] = []
    private(set) var flags: Set<String> = []
    private(set) var options: [String: String] = [:]

    /// `flags` take no value (`--json`); `options` take one (`--path scalar` or `--path=scalar`).
    init(_ words: [String], flags allowedFlags: Set<String> = [], options allowedOptions: Set<String> = [])
        throws(UsageError)
    {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word != "-" else {
                positionals.append(word)
                continue
            }
            if word == "--" {
                positionals += words[index...]
                break
            }
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            if allowedFlags.contains(name), parts.count == 1 {
                flags.insert(name)
            } else if allowedOptions.contains(name) {
                if parts.count == 2 {
                    options[name] = parts[1]
                } else if index < words.count {
                    options[name] = words[index]
                    index += 1
                } else {
                    throw UsageError("\(name) needs a value")
                }
            } else {
                throw UsageError("unknown option \(word)")
            }
        }
    }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// An integer option within `range`, or `default` when absent.
    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = options[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError("\(name) needs a whole number from \(range.lowerBound) to \(range.upperBound), not \(text)")
        }
        return number
    }

    /// A decimal option within `range`, or `default` when absent.
    func number(_ name: String, default value: Float, range: ClosedRange<Float>) throws(UsageError) -> Float {
        guard let text = options[name] else { return value }
        guard let number = Float(text), range.contains(number) else {
            let low = range.lowerBound == .leastNonzeroMagnitude ? "above 0" : "from \(range.lowerBound)"
            throw UsageError("\(name) needs a number \(low) to \(range.upperBound), not \(text)")
        }
        return number
    }
}

/// A command line that makes no sense: printed with the usage, exit status 2.
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
