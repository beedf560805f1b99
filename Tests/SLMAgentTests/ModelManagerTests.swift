import Foundation
import SLMAgent
import SLMEngine
import SLMTestSupport
import Testing

@Suite("Model manager")
struct ModelManagerTests {
    static let llama = ModelReference(name: "llama", path: Fixtures.url("synthetic/llama-f16.gguf"))
    static let qwen = ModelReference(name: "qwen", path: Fixtures.url("synthetic/qwen2-f16.gguf"))
    static let gemma = ModelReference(name: "gemma", path: Fixtures.url("synthetic/gemma3-f16.gguf"))

    static func manager(budget: Int = 1 << 30, maxLoaded: Int = 2, idle: Duration = .seconds(600)) -> ModelManager {
        ModelManager(configuration: .init(budgetBytes: budget, maxLoaded: maxLoaded, idleTimeout: idle, contextLength: 128,
                                          threads: 1))
    }

    @Test("the estimate counts weights, the KV cache at the context, and buffers, before loading")
    func estimate() async throws {
        let manager = Self.manager()
        let estimate = try await manager.estimate(Self.llama)
        // 2 layers × 128 positions × 2 KV heads × (16 + 16) values × 2 bytes
        #expect(estimate.kvCacheBytes == 2 * 128 * 2 * 32 * 2)
        #expect(estimate.weightBytes == 294_048)
        #expect(estimate.scratchBytes > 0)
        #expect(estimate.contextLength == 128)
        #expect(await manager.status().isEmpty)
        let model = try await manager.load(Self.llama)
        #expect(model.estimate == estimate)
        #expect(await manager.inUseBytes == estimate.totalBytes)
    }

    @Test("a model bigger than the budget is refused, saying what it needs and what there is")
    func refusal() async throws {
        let manager = Self.manager(budget: 100_000)
        await #expect(throws: ModelManagerError.self) { try await manager.load(Self.llama) }
        do {
            _ = try await manager.load(Self.llama)
        } catch {
            #expect(error.description.hasPrefix("llama needs "))
            #expect(error.description.contains("100 kB memory budget"))
        }
        await #expect(throws: ModelManagerError.self) {
            try await manager.load(ModelReference(name: "missing", path: URL(fileURLWithPath: "/nonexistent.gguf")))
        }
    }

    @Test("at most N stay loaded, least recently used out first")
    func leastRecentlyUsed() async throws {
        let manager = Self.manager(maxLoaded: 2)
        _ = try await manager.load(Self.llama)
        _ = try await manager.load(Self.qwen)
        _ = try await manager.load(Self.llama)  // llama is now the most recent
        _ = try await manager.load(Self.gemma)
        #expect(await manager.status().map(\.reference.name) == ["gemma", "llama"])
    }

    @Test("room is made by unloading when the budget would be exceeded")
    func budgetEviction() async throws {
        let probe = Self.manager()
        let need = try await probe.estimate(Self.llama).totalBytes + (try await probe.estimate(Self.qwen).totalBytes)
        let manager = Self.manager(budget: need - 1, maxLoaded: 5)
        _ = try await manager.load(Self.llama)
        _ = try await manager.load(Self.qwen)
        #expect(await manager.status().map(\.reference.name) == ["qwen"])
    }

    @Test("idle models are unloaded after the timeout")
    func idle() async throws {
        let manager = Self.manager(idle: .seconds(600))
        _ = try await manager.load(Self.llama)
        #expect(await manager.unloadIdle(now: .now + .seconds(60)).isEmpty)
        #expect(await manager.unloadIdle(now: .now + .seconds(601)) == ["llama"])
        #expect(await manager.status().isEmpty)
    }
}
