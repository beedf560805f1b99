/// The xterm 256-colour palette, and the nearest of its first 8 or 16 colours for
/// terminals that have no more.
public enum Palette {
    /// RGB of a palette index.
    public static func rgb(_ index: Int) -> (Int, Int, Int) {
        let basic = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                     (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
                     (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        if index < 16 { return basic[max(0, index)] }
        if index < 232 {
            let cube = index - 16
            let level = { (value: Int) in value == 0 ? 0 : 55 + value * 40 }
            return (level(cube / 36), level(cube / 6 % 6), level(cube % 6))
        }
        let gray = 8 + (min(index, 255) - 232) * 10
        return (gray, gray, gray)
    }

    /// The index among the first `count` (8 or 16) closest to `index`.
    public static func nearest(_ index: Int, in count: Int) -> Int {
        if index < count { return index }
        if index < 16 { return index - 8 }
        let (r, g, b) = rgb(index)
        return (0..<count).min { first, second in
            distance(rgb(first), (r, g, b)) < distance(rgb(second), (r, g, b))
        } ?? 7
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }
}
