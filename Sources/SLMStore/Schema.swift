/// The store's schema as forward-only migrations. `PRAGMA user_version` records how many
/// have run; each runs once, in its own transaction. Never edit a released migration:
/// add a new one.
enum Schema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial schema", sql: """
            CREATE TABLE conversations (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                agent TEXT,
                model TEXT,
                system_prompt TEXT,
                sampling TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX conversations_by_update ON conversations(updated_at DESC, id DESC);

            CREATE TABLE messages (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
                content TEXT NOT NULL,
                agent TEXT,
                prompt_tokens INTEGER,
                generated_tokens INTEGER,
                status TEXT NOT NULL DEFAULT 'complete'
                    CHECK (status IN ('complete', 'partial', 'interrupted', 'cancelled', 'failed')),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
            CREATE INDEX messages_partial ON messages(status) WHERE status = 'partial';

            CREATE TABLE tool_calls (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
                message_id INTEGER REFERENCES messages(id) ON DELETE CASCADE,
                tool TEXT NOT NULL,
                arguments TEXT NOT NULL,
                result TEXT,
                status TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'denied')),
                started_at REAL NOT NULL,
                finished_at REAL,
                duration_ms REAL
            );

            CREATE TABLE tasks (
                id INTEGER PRIMARY KEY,
                title TEXT NOT NULL,
                notes TEXT,
                due TEXT,
                priority INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                completed_at REAL
            );

            CREATE TABLE drafts (
                id INTEGER PRIMARY KEY,
                recipients TEXT NOT NULL DEFAULT '',
                cc TEXT NOT NULL DEFAULT '',
                subject TEXT NOT NULL DEFAULT '',
                body TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'exported')),
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );

            CREATE TABLE notes (
                id INTEGER PRIMARY KEY,
                text TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );

            CREATE TABLE metrics (
                id INTEGER PRIMARY KEY,
                conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
                message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
                model TEXT NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                generated_tokens INTEGER NOT NULL,
                prefill_tps REAL,
                decode_tps REAL,
                ttft_ms REAL,
                peak_rss_bytes INTEGER,
                created_at REAL NOT NULL
            );

            CREATE VIRTUAL TABLE messages_fts USING fts5(content, content = 'messages', content_rowid = 'id');
            CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
            END;
            CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
            END;
            CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
                INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
            END;
            """),
        // Branches: a message names the one it follows, a conversation the end of the path
        // it shows; existing conversations become single-branch trees. An answer keeps why
        // its generation stopped and a thinking model's reasoning. Conversation ids are
        // never reused; unsent input is kept per conversation (0: a new conversation).
        Migration(version: 2, name: "message tree, stop reasons, reasoning, id high water, unsent input", sql: """
            ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE;
            ALTER TABLE messages ADD COLUMN stop_reason TEXT;
            ALTER TABLE messages ADD COLUMN reasoning TEXT;
            UPDATE messages SET parent_id = (
                SELECT MAX(p.id) FROM messages p WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id);
            CREATE INDEX messages_by_parent ON messages(parent_id);
            ALTER TABLE conversations ADD COLUMN leaf_id INTEGER;
            UPDATE conversations SET leaf_id = (SELECT MAX(id) FROM messages WHERE conversation_id = conversations.id);

            CREATE TABLE id_high_water (name TEXT PRIMARY KEY, id INTEGER NOT NULL);
            INSERT INTO id_high_water (name, id) VALUES ('conversations', COALESCE((SELECT MAX(id) FROM conversations), 0));
            CREATE TRIGGER conversations_high_water AFTER INSERT ON conversations BEGIN
                UPDATE id_high_water SET id = MAX(id, new.id) WHERE name = 'conversations';
            END;

            CREATE TABLE unsent_inputs (
                conversation_id INTEGER PRIMARY KEY,
                text TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TRIGGER unsent_inputs_delete AFTER DELETE ON conversations BEGIN
                DELETE FROM unsent_inputs WHERE conversation_id = old.id;
            END;
            """),
        // Tasks get a time of day apart from their date (a date-time kept in `due` is split);
        // drafts can be marked sent; every change to a task, draft or note is journaled with
        // the record before and after it, so it can be undone.
        Migration(version: 3, name: "task times, sent drafts, change journal", sql: """
            ALTER TABLE tasks ADD COLUMN due_time TEXT;
            UPDATE tasks SET due_time = substr(due, 12, 5), due = substr(due, 1, 10)
                WHERE length(due) >= 16 AND substr(due, 11, 1) IN ('T', ' ');
            CREATE INDEX tasks_by_due ON tasks(status, due, due_time);
            ALTER TABLE drafts ADD COLUMN sent_at REAL;

            CREATE TABLE changes (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('task', 'draft', 'note')),
                record_id INTEGER NOT NULL,
                action TEXT NOT NULL,
                summary TEXT NOT NULL,
                before TEXT,
                after TEXT,
                source TEXT NOT NULL CHECK (source IN ('agent', 'user')),
                conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
                tool_call_id INTEGER REFERENCES tool_calls(id) ON DELETE SET NULL,
                created_at REAL NOT NULL,
                undone_at REAL
            );
            CREATE INDEX changes_by_record ON changes(kind, record_id, id);
            """),
    ]

    /// The newest schema this program knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Brings `database` up to the latest version, one transaction per migration.
    static func migrate(_ database: Database) throws {
        let current = try database.userVersion()
        guard current <= latestVersion else { throw StoreError.newerSchema(found: current, known: latestVersion) }
        for migration in migrations where migration.version > current {
            try database.transaction {
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }
}
