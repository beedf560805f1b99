import SLMEngine

extension Arguments {
    /// `--cache-type f16|f32|q8_0`: the KV cache's precision, or `fallback` when absent.
    func cacheType(fallback: KVCacheType = .f16) throws(UsageError) -> KVCacheType {
        guard let text = options["--cache-type"] else { return fallback }
        guard let type = KVCacheType(rawValue: text) else {
            let names = KVCacheType.allCases.map(\.rawValue).joined(separator: ", ")
            throw UsageError("--cache-type needs one of \(names), not \(text)")
        }
        return type
    }
}
