import Foundation

/// Speed and size figures of one answer.
public struct TurnMetrics: Sendable, Equatable, Codable {
    public var model: String
    public var promptTokens: Int
    public var generatedTokens: Int
    public var prefillTokensPerSecond: Double?
    public var decodeTokensPerSecond: Double?
    public var timeToFirstTokenMilliseconds: Double?
    public var peakResidentBytes: Int?

    public init(model: String, promptTokens: Int, generatedTokens: Int, prefillTokensPerSecond: Double? = nil,
                decodeTokensPerSecond: Double? = nil, timeToFirstTokenMilliseconds: Double? = nil,
                peakResidentBytes: Int? = nil) {
        self.model = model
        self.promptTokens = promptTokens
        self.generatedTokens = generatedTokens
        self.prefillTokensPerSecond = prefillTokensPerSecond
        self.decodeTokensPerSecond = decodeTokensPerSecond
        self.timeToFirstTokenMilliseconds = timeToFirstTokenMilliseconds
        self.peakResidentBytes = peakResidentBytes
    }
}

/// Totals and averages over recorded turns of one model.
public struct MetricsSummary: Sendable, Equatable, Codable {
    public let model: String
    public let turns: Int
    public let generatedTokens: Int
    public let averageDecodeTokensPerSecond: Double?
    public let averageTimeToFirstTokenMilliseconds: Double?
}

extension Store {
    public func recordMetrics(_ metrics: TurnMetrics, conversationID: Int? = nil, messageID: Int? = nil)
        throws(StoreError)
    {
        try write { () throws(SQLiteError) in
            try database.statement("""
                INSERT INTO metrics (conversation_id, message_id, model, prompt_tokens, generated_tokens, prefill_tps,
                                     decode_tps, ttft_ms, peak_rss_bytes, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).run([.integer(conversationID), .integer(messageID), .text(metrics.model),
                          .integer(Int64(metrics.promptTokens)), .integer(Int64(metrics.generatedTokens)),
                          .real(metrics.prefillTokensPerSecond), .real(metrics.decodeTokensPerSecond),
                          .real(metrics.timeToFirstTokenMilliseconds), .integer(metrics.peakResidentBytes),
                          .real(Date().timeIntervalSince1970)])
        }
    }

    /// The figures of each answer of a conversation that has them, by message id (an
    /// answer continued later: its latest).
    public func answerMetrics(in conversationID: Int) throws(StoreError) -> [Int: TurnMetrics] {
        let rows = try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT message_id, model, prompt_tokens, generated_tokens, prefill_tps, decode_tps, ttft_ms, peak_rss_bytes
                FROM metrics WHERE conversation_id = ? AND message_id IS NOT NULL ORDER BY id
                """).rows([.integer(Int64(conversationID))])
        }
        var figures: [Int: TurnMetrics] = [:]
        for row in rows {
            guard let message = row.int(0) else { continue }
            figures[message] = TurnMetrics(
                model: row.string(1) ?? "", promptTokens: row.int(2) ?? 0, generatedTokens: row.int(3) ?? 0,
                prefillTokensPerSecond: row.double(4), decodeTokensPerSecond: row.double(5),
                timeToFirstTokenMilliseconds: row.double(6), peakResidentBytes: row.int(7))
        }
        return figures
    }

    /// One summary per model, busiest first.
    public func metricsSummary() throws(StoreError) -> [MetricsSummary] {
        try read { () throws(SQLiteError) in
            try database.statement("""
                SELECT model, COUNT(*), SUM(generated_tokens), AVG(decode_tps), AVG(ttft_ms) FROM metrics
                GROUP BY model ORDER BY COUNT(*) DESC, model
                """).rows().map { row in
                MetricsSummary(model: row.string(0) ?? "", turns: row.int(1) ?? 0, generatedTokens: row.int(2) ?? 0,
                               averageDecodeTokensPerSecond: row.double(3),
                               averageTimeToFirstTokenMilliseconds: row.double(4))
            }
        }
    }
}
