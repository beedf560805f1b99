/// A key press (or paste, resize, wheel turn) as the app sees it.
public enum Key: Sendable, Equatable {
    case character(Character)
    /// Enter: send.
    case enter
    /// Ctrl-J or Alt-Enter: a new line in the input.
    case newline
    case backspace, delete, tab, escape
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl-← / Ctrl-→ (and Alt-b / Alt-f): a word back or forward.
    case wordLeft, wordRight
    case function(Int)
    /// Ctrl and a letter, lower case (`ctrl("a")`).
    case control(Character)
    case alt(Character)
    /// Text pasted in one go (bracketed paste), newlines kept.
    case paste(String)
    case resize
    case wheelUp, wheelDown
}
