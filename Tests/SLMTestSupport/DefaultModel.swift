import Foundation
import SLMSync
import SLMAgent
import SLMStore

/// The real default model (Gemma 3 270M Q4_K_M), fetched once through the project's own
/// pull code into the user's models directory and reused from there.
public enum DefaultModel {
    private static let cached = Locked<Result<URL, Error>?>(nil)

    /// The model's path, pulling it on first use. Throws when it cannot be fetched.
    public static func path() throws -> URL {
        try cached.withLock { cached in
            if let cached { return try cached.get() }
            let result = Result {
                let library = ModelLibrary(directory: DataDirectory().models, catalog: try ModelCatalog.bundled())
                return try library.pull("gemma3-270m")
            }
            cached = result
            return try result.get()
        }
    }
}
