import Foundation

/// The tool-trace timeline: routing, the model used, each call with its arguments, results
/// or errors with durations, approvals. Newest at the bottom.
public enum TraceView {
    public static func draw(_ trace: [TraceEntry], into grid: inout CellGrid, in rect: Rect) {
        grid.fill(rect)
        guard rect.width > 8, rect.height > 0 else { return }
        if trace.isEmpty {
            grid.put("Tool calls appear here.", x: rect.x + 1, y: rect.y, style: Style(.muted), limit: rect.maxX)
            return
        }
        let clock = DateFormatter()
        clock.dateFormat = "HH:mm"
        var lines: [StyledLine] = []
        for entry in trace.suffix(200) {
            let (icon, style): (String, Style) = switch entry.kind {
            case .route: ("→", Style(.accent))
            case .model: ("◆", Style(.muted))
            case .call: ("⚙", Style(.tool))
            case .result(let ok): (ok ? "✓" : "✗", Style(ok ? .success : .error))
            case .approval(let granted): (granted == nil ? "?" : granted == true ? "✓" : "✗", Style(.warning))
            case .context: ("✂", Style(.muted))
            case .error: ("!", Style(.error))
            case .info: ("·", Style(.muted))
            }
            let spans = [Span(clock.string(from: entry.time) + " ", Style(.muted)), Span(icon + " ", style),
                         Span(entry.text, entry.kind == .call ? Style(.text) : style)]
            // long arguments and results are shown up to four lines; /trace shows them whole
            let wrapped = TextLayout.wrap(spans, width: rect.width - 1, hangingIndent: 8)
            lines += wrapped.prefix(4)
            if wrapped.count > 4 {
                lines += TextLayout.wrap([Span("… /trace shows it whole", Style(.muted))], width: rect.width - 1, hangingIndent: 8)
                    .map { Array(repeating: (" ", Style()), count: 8) + $0 }
            }
        }
        for (offset, line) in lines.suffix(rect.height).enumerated() {
            TextLayout.draw(line, into: &grid, x: rect.x + 1, y: rect.y + offset, limit: rect.maxX)
        }
    }
}
