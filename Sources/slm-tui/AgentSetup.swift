import Foundation
import SLMAgent
import SLMEngine
import SLMStore

/// Builds the agent runtime a command uses: the store, a model manager at the chosen
/// context and threads, the drafts folder, and the model selected.
enum AgentSetup {
    static func runtime(store: Store, model name: String?, contextLength: Int, threads: Int,
                        configuration: RuntimeConfiguration = RuntimeConfiguration()) throws -> AgentRuntime {
        let reference = try ModelResolution.reference(for: name)
        let manager = ModelManager(configuration: ModelManager.Configuration(contextLength: contextLength, threads: threads))
        let runtime = AgentRuntime(store: store, models: manager, drafts: DraftsFolder(url: DataDirectory().drafts),
                                   configuration: configuration)
        _ = try wait { try await runtime.selectModel(reference) }
        return runtime
    }
}
