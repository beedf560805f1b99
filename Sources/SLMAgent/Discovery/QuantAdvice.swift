/// Which quant to pick for a device's memory: Q4_K_M at 8 GB or less, where every
/// megabyte counts; Q5_K_M or Q8_0 above, where the better quality fits.
public enum QuantAdvice {
    static let smallDevice = 8 * 1024 * 1024 * 1024

    /// The recommended quants, best first.
    public static func recommended(forMemory bytes: Int) -> [String] {
        bytes <= smallDevice + smallDevice / 16 ? ["Q4_K_M"] : ["Q5_K_M", "Q8_0"]
    }

    /// `Q5_K_M or Q8_0 (24 GB of memory)`.
    public static func sentence(forMemory bytes: Int) -> String {
        recommended(forMemory: bytes).joined(separator: " or ") + " (\(bytes / 1_000_000_000) GB of memory)"
    }

    /// Whether `quant` is one recommended for the device.
    public static func isRecommended(_ quant: String?, forMemory bytes: Int) -> Bool {
        guard let quant else { return false }
        return recommended(forMemory: bytes).contains(quant.uppercased())
    }
}
