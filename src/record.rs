//! The canonical record (schema v1): plain data, one canonical order, a stable id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const SCHEMA_VERSION: u32 = 1;

/// The CSV columns, in order. `ports.json` uses the same field names.
pub const COLUMNS: [&str; 25] = [
    "id",
    "vendor",
    "product",
    "release",
    "language",
    "document",
    "format",
    "page",
    "table",
    "section",
    "row",
    "listener",
    "transport",
    "port_start",
    "port_end",
    "port_side",
    "remote",
    "direction",
    "qualifier",
    "default_port",
    "configurable",
    "notes",
    "source",
    "confidence",
    "raw",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortRecord {
    pub id: String,
    pub vendor: String,
    pub product: String,
    pub release: String,
    pub language: String,
    pub document: String,
    pub format: String,
    pub page: Option<u32>,
    pub table: String,
    pub section: String,
    pub row: u32,
    pub listener: String,
    pub transport: String,
    pub port_start: u16,
    pub port_end: u16,
    pub port_side: String,
    pub remote: String,
    pub direction: String,
    pub qualifier: String,
    pub default_port: bool,
    pub configurable: bool,
    pub notes: String,
    pub source: String,
    pub confidence: f64,
    pub raw: String,
    /// Position of the table in its document (prose comes after every table); sorting only.
    #[serde(skip)]
    pub table_index: u32,
}

impl PortRecord {
    /// The stable id: a hash of the fields that identify the record.
    pub fn compute_id(&mut self) {
        let mut h = Sha256::new();
        for part in [
            self.document.as_str(),
            self.table.as_str(),
            self.section.as_str(),
            &self.row.to_string(),
            self.listener.as_str(),
            self.transport.as_str(),
            &self.port_start.to_string(),
            &self.port_end.to_string(),
            self.port_side.as_str(),
            self.qualifier.as_str(),
            self.source.as_str(),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        let digest = h.finalize();
        self.id = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    }

    /// The canonical order: document, table order, row, port, then the rest for a total order.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.document,
            self.table_index,
            self.row,
            self.port_start,
            self.port_end,
            &self.transport,
            &self.qualifier,
            &self.port_side,
            &self.listener,
            &self.id,
        )
    }
}

/// `443`, or `49152-65535` for a range.
pub fn port_range_text(start: u16, end: u16) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}-{end}")
    }
}

/// Sorts records into the canonical order.
pub fn sort_records(records: &mut [PortRecord]) {
    records.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
