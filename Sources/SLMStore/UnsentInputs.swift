import Foundation

/// Text typed and not sent, kept per conversation so a switch, a quit or a crash loses none
/// of it. Conversation 0 stands for the conversation not started yet.
extension Store {
    /// Keeps `text` as the unsent input of conversation `id` (0: a new one); empty text
    /// forgets it.
    public func keepUnsentInput(_ text: String, conversation id: Int) throws(StoreError) {
        try write { () throws(SQLiteError) in
            if text.isEmpty {
                try database.statement("DELETE FROM unsent_inputs WHERE conversation_id = ?").run([.integer(Int64(id))])
            } else {
                try database.statement("""
                    INSERT INTO unsent_inputs (conversation_id, text, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                    """).run([.integer(Int64(id)), .text(text), .real(Date().timeIntervalSince1970)])
            }
        }
    }

    /// The unsent input of conversation `id` (0: a new one), or "".
    public func unsentInput(conversation id: Int) throws(StoreError) -> String {
        try read { () throws(SQLiteError) in
            try database.statement("SELECT text FROM unsent_inputs WHERE conversation_id = ?")
                .rows([.integer(Int64(id))]).first?.string(0) ?? ""
        }
    }
}
