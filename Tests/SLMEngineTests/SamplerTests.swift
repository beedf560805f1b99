import SLMEngine
import Testing

@Suite("Sampler")
struct SamplerTests {
    let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]

    @Test("temperature 0 is greedy, lowest id on ties")
    func greedy() {
        var sampler = Sampler(.greedy)
        #expect(sampler.sample(logits, history: []) == 1)
        #expect(Sampler.argmax([2, 5, 5, 1]) == 1)
    }

    @Test("the same seed gives the same choices; another seed differs somewhere")
    func seeds() {
        let parameters = SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 42)
        var a = Sampler(parameters), b = Sampler(parameters)
        let first = (0..<50).map { _ in a.sample(logits, history: []) }
        let second = (0..<50).map { _ in b.sample(logits, history: []) }
        #expect(first == second)
        var other = Sampler(SamplingParameters(temperature: 1.5, topK: 0, topP: 1, minP: 0, seed: 43))
        #expect((0..<50).map { _ in other.sample(logits, history: []) } != first)
        #expect(Set(first).count > 2, "a hot sampler should visit several tokens")
    }

    @Test("top-k, top-p and min-p only ever return allowed tokens")
    func filters() {
        var topK = Sampler(SamplingParameters(temperature: 5, topK: 2, topP: 1, minP: 0, seed: 1))
        #expect(Set((0..<200).map { _ in topK.sample(logits, history: []) }).isSubset(of: [1, 5]))
        // p(1) + p(5) + p(2) covers 0.8 at temperature 1, so index 0, 3, 4 never appear
        var topP = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 0.8, minP: 0, seed: 2))
        #expect(Set((0..<200).map { _ in topP.sample(logits, history: []) }).isSubset(of: [1, 2, 5]))
        var minP = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0.5, seed: 3))
        #expect(Set((0..<200).map { _ in minP.sample(logits, history: []) }).isSubset(of: [1, 2, 5]))
    }

    @Test("penalties push repeated tokens down")
    func penalties() {
        var repetition = Sampler(SamplingParameters(temperature: 0, repetitionPenalty: 2))
        #expect(repetition.sample(logits, history: [1]) == 5)  // 3.0 / 2 = 1.5 < 2.9
        var frequency = Sampler(SamplingParameters(temperature: 0, frequencyPenalty: 0.3))
        #expect(frequency.sample(logits, history: [1, 1]) == 5)  // 3.0 - 0.6 < 2.9
        var presence = Sampler(SamplingParameters(temperature: 0, presencePenalty: 0.05))
        #expect(presence.sample(logits, history: [1]) == 1)  // 2.95 still > 2.9
    }
}
