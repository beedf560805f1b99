/// Bars and sparklines for the resource pane, in eighth-block characters.
public enum Gauge {
    static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A bar `width` cells wide, `fraction` (clamped to 0…1) full.
    public static func bar(_ fraction: Double, width: Int) -> [Span] {
        guard width > 0 else { return [] }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let eighthsFilled = Int((clamped * Double(width * 8)).rounded())
        let full = eighthsFilled / 8
        let partial = eighthsFilled % 8
        var filled = String(repeating: "█", count: full)
        if partial > 0, full < width { filled.append(eighths[partial - 1]) }
        let empty = String(repeating: "░", count: width - DisplayWidth.of(filled))
        return [Span(filled, Style(.gaugeFill)), Span(empty, Style(.gaugeEmpty))]
    }

    /// One block per value, scaled to the largest; the most recent `width` values.
    public static func sparkline(_ values: [Double], width: Int) -> String {
        let shown = values.suffix(max(width, 0))
        guard let maximum = shown.max(), maximum > 0 else { return String(repeating: "▁", count: shown.count) }
        return String(shown.map { value in
            levels[min(levels.count - 1, max(0, Int((value / maximum * Double(levels.count - 1)).rounded())))]
        })
    }
}
