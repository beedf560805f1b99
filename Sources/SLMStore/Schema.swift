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
