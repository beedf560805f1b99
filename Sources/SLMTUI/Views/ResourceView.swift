import Foundation
import SLMAgent

/// Live figures: decode speed as a gauge with a sparkline of recent answers, prefill speed,
/// time to first token, resident memory against the budget, KV-cache fill against the
/// context, CPU use, and what the model is.
public enum ResourceView {
    /// Decode speed that fills the gauge.
    static let fullScaleRate = 100.0

    public static func draw(_ figures: ResourceFigures, into grid: inout CellGrid, in rect: Rect) {
        grid.fill(rect)
        guard rect.width > 12, rect.height > 0 else { return }
        let labelWidth = 8
        let valueWidth = rect.width - labelWidth - 2
        var rows: [(spans: [Span], lines: Int)] = []
        /// A labelled row, wrapped onto at most `lines` screen lines.
        func row(_ label: String, _ spans: [Span], lines: Int = 1) {
            rows.append(([Span(label.padding(toLength: labelWidth, withPad: " ", startingAt: 0), Style(.muted))] + spans,
                         lines))
        }
        func number(_ value: Double?, _ unit: String, decimals: Int = 1) -> Span {
            guard let value else { return Span("–", Style(.muted)) }
            return Span(String(format: "%.\(decimals)f", value) + " " + unit, Style(.text, .bold))
        }
        let rate = number(figures.decodeRate, "t/s")
        let spark = Gauge.sparkline(figures.recentRates, width: max(0, valueWidth - DisplayWidth.of(rate.text) - 1))
        row("decode", [rate, Span(" " + spark, Style(.accent))])
        row("", Gauge.bar((figures.decodeRate ?? 0) / fullScaleRate, width: valueWidth))
        var prefill = [number(figures.prefillRate, "t/s")]
        if let reused = figures.reusedTokens, reused > 0 { prefill.append(Span(" · \(tokens(reused)) cached", Style(.muted))) }
        row("prefill", prefill)
        row("TTFT", [number(figures.firstTokenMilliseconds, "ms", decimals: 0)])
        if let server = figures.server {
            // the model's memory and cache are the server's: this machine holds neither
            row("RSS", [Span("remote", Style(.text, .bold)), Span(" · here \(megabytes(figures.residentBytes)) MB", Style(.muted))])
            row("KV", [Span("remote (\(server))", Style(.text))])
        } else {
            let memory = "\(megabytes(figures.residentBytes))/\(megabytes(figures.budgetBytes)) MB"
            row("RSS", [Span(memory, Style(.text))])
            row("", Gauge.bar(fraction(figures.residentBytes, figures.budgetBytes), width: valueWidth))
            let cache = "\(tokens(figures.cachedTokens))/\(tokens(figures.contextLength))"
            row("KV", [Span(cache, Style(.text))])
            row("", Gauge.bar(fraction(figures.cachedTokens, figures.contextLength), width: valueWidth))
        }
        row("CPU", [number(figures.cpuPercent, "%", decimals: 0)])
        if figures.dueTasks > 0 { row("tasks", [Span("\(figures.dueTasks) due", Style(.warning, .bold))]) }
        row("model", [Span(figures.modelName ?? "none loaded", Style(figures.modelName == nil ? .warning : .accent))])
        // family, quant, size and the KV cache's precision: wrapped, as a narrow pane cuts it
        if let detail = figures.modelDetail { row("", [Span(detail, Style(.muted))], lines: 2) }
        if figures.modelName != nil, let context = figures.contextLength { row("context", [Span("\(context) tokens", Style(.muted))]) }
        var y = rect.y
        for row in rows {
            for line in TextLayout.wrap(row.spans, width: rect.width - 1).prefix(row.lines) where y < rect.maxY {
                TextLayout.draw(line, into: &grid, x: rect.x + 1, y: y, limit: rect.maxX)
                y += 1
            }
        }
    }

    static func fraction(_ part: Int?, _ whole: Int?) -> Double {
        guard let part, let whole, whole > 0 else { return 0 }
        return Double(part) / Double(whole)
    }

    static func megabytes(_ bytes: Int?) -> String { bytes.map { String($0 / 1_000_000) } ?? "–" }

    static func tokens(_ count: Int?) -> String {
        guard let count else { return "–" }
        return count >= 1000 ? String(format: "%.1fk", Double(count) / 1000) : String(count)
    }
}
