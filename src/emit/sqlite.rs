//! The dataset as one SQLite file (`extract --sqlite FILE`), for other tools: tables `records`,
//! `documents` and `tables`, indexes on product, port and host, and the views `rules` (the
//! firewall request, as `portolan rules` makes it) and `undecided` (records that are no rule).
//! Built in memory and written atomically: a reader never sees half a database.

use crate::{rules, Extraction};
use rusqlite::{params, Connection};

/// The schema, also in the README. `schema_version` in `meta` is the record schema's. The
/// `rules` view names unnamed parties as `portolan rules` does: `{ANY}` and `{UNNAMED}` stand
/// for [`rules::ANY`] and [`rules::UNNAMED_PRODUCT`] (see [`schema`]).
const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    document TEXT PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL, format TEXT NOT NULL,
    language TEXT NOT NULL, vendor TEXT NOT NULL, product TEXT NOT NULL, release TEXT NOT NULL,
    vendor_from TEXT NOT NULL, product_from TEXT NOT NULL, release_from TEXT NOT NULL,
    tables INTEGER NOT NULL, port_tables INTEGER NOT NULL, tables_read_by TEXT NOT NULL,
    records INTEGER NOT NULL, warnings TEXT NOT NULL, error TEXT
);
CREATE TABLE tables (
    document TEXT NOT NULL, position INTEGER NOT NULL, caption TEXT NOT NULL,
    section TEXT NOT NULL, page INTEGER, records INTEGER NOT NULL,
    PRIMARY KEY (document, position, caption, section)
);
CREATE TABLE records (
    id TEXT NOT NULL, vendor TEXT NOT NULL, product TEXT NOT NULL, release TEXT NOT NULL,
    language TEXT NOT NULL, document TEXT NOT NULL, document_sha256 TEXT NOT NULL,
    format TEXT NOT NULL, page INTEGER, \"table\" TEXT NOT NULL, section TEXT NOT NULL,
    row INTEGER NOT NULL, listener TEXT NOT NULL, transport TEXT NOT NULL,
    port_start INTEGER NOT NULL, port_end INTEGER NOT NULL, port_side TEXT NOT NULL,
    host TEXT NOT NULL, peer TEXT NOT NULL, source TEXT NOT NULL, destination TEXT NOT NULL,
    direction TEXT NOT NULL, qualifier TEXT NOT NULL, default_port INTEGER NOT NULL,
    configurable INTEGER NOT NULL, notes TEXT NOT NULL, origin TEXT NOT NULL,
    confidence REAL NOT NULL, raw TEXT NOT NULL
);
CREATE INDEX records_id ON records (id);
CREATE INDEX records_product ON records (product, release);
CREATE INDEX records_port ON records (port_start, port_end);
CREATE INDEX records_host ON records (host);
CREATE VIEW rules AS
SELECT way, source, destination, transport, port_start, port_end,
       group_concat(document || ' \"' || \"table\" || '\" row ' || row, '; ') AS from_rows,
       group_concat(id, ' ') AS ids, product, release
FROM (
    SELECT CASE port_side WHEN 'local' THEN 'in' ELSE 'out' END AS way,
           CASE port_side
               WHEN 'local' THEN coalesce(nullif(peer, ''), '{ANY}')
               ELSE coalesce(nullif(peer, ''), nullif(product, ''), '{UNNAMED}')
           END AS source,
           CASE port_side
               WHEN 'local' THEN coalesce(nullif(host, ''), nullif(product, ''), '{UNNAMED}')
               ELSE coalesce(nullif(host, ''), '{ANY}')
           END AS destination,
           transport, port_start, port_end, document, \"table\", row, id, product, release
    FROM records
    WHERE transport != '' AND port_side IN ('local', 'remote')
    ORDER BY rowid
)
GROUP BY way, source, destination, transport, port_start, port_end, product, release;
CREATE VIEW undecided AS
SELECT *, CASE WHEN port_side = '' THEN 'no side' ELSE 'no transport' END AS why
FROM records WHERE transport = '' OR port_side NOT IN ('local', 'remote');
";

/// The schema's SQL, with the rules view's names for unnamed parties filled in.
pub fn schema() -> String {
    SCHEMA
        .replace("{ANY}", rules::ANY)
        .replace("{UNNAMED}", rules::UNNAMED_PRODUCT)
}

/// The database's bytes for a run.
pub fn to_sqlite(x: &Extraction) -> rusqlite::Result<Vec<u8>> {
    let mut db = Connection::open_in_memory()?;
    db.execute_batch(&schema())?;
    let t = db.transaction()?;
    t.execute(
        "INSERT INTO meta VALUES ('schema_version', ?1), ('portolan', ?2)",
        params![
            crate::record::SCHEMA_VERSION.to_string(),
            env!("CARGO_PKG_VERSION")
        ],
    )?;
    {
        let mut doc = t.prepare(
            "INSERT INTO documents VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, \
             ?14, ?15, ?16, ?17)",
        )?;
        for r in &x.reports {
            doc.execute(params![
                r.document,
                r.path,
                r.sha256,
                r.format,
                r.language,
                r.vendor,
                r.product,
                r.release,
                r.vendor_from,
                r.product_from,
                r.release_from,
                r.tables as i64,
                r.port_tables as i64,
                r.tables_read_by,
                r.records as i64,
                serde_json::to_string(&r.warnings).unwrap_or_default(),
                r.error,
            ])?;
        }
        let mut rec = t.prepare(
            "INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, \
             ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
        )?;
        for r in &x.records {
            rec.execute(params![
                r.id,
                r.vendor,
                r.product,
                r.release,
                r.language,
                r.document,
                r.document_sha256,
                r.format,
                r.page,
                r.table,
                r.section,
                r.row,
                r.listener,
                r.transport,
                r.port_start,
                r.port_end,
                r.port_side,
                r.host,
                r.peer,
                r.source,
                r.destination,
                r.direction,
                r.qualifier,
                r.default_port,
                r.configurable,
                r.notes,
                r.origin,
                r.confidence,
                r.raw,
            ])?;
        }
        let mut tab = t.prepare(
            "INSERT INTO tables VALUES (?1, ?2, ?3, ?4, ?5, 1)
             ON CONFLICT DO UPDATE SET records = records + 1,
                 page = coalesce(min(page, excluded.page), page, excluded.page)",
        )?;
        for r in x.records.iter().filter(|r| r.origin == "table") {
            tab.execute(params![
                r.document,
                r.table_index,
                r.table,
                r.section,
                r.page
            ])?;
        }
    }
    t.commit()?;
    let bytes = db.serialize(rusqlite::MAIN_DB)?;
    Ok(bytes.to_vec())
}
