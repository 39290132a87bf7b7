//! The canonical record (schema v2): plain data, one canonical order, a stable id.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const SCHEMA_VERSION: u32 = 2;

/// The CSV columns, in order. `ports.json` uses the same field names.
pub const COLUMNS: [&str; 29] = [
    "id",
    "vendor",
    "product",
    "release",
    "language",
    "document",
    "document_sha256",
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
    "host",
    "peer",
    "source",
    "destination",
    "direction",
    "qualifier",
    "default_port",
    "configurable",
    "notes",
    "origin",
    "confidence",
    "raw",
];

/// The columns of a schema v1 `ports.csv`, which [`crate::dataset`] still reads: `remote` became
/// `peer` (or `host`, for a port on the remote side), `source` (how the record was found)
/// became `origin`.
pub const V1_COLUMNS: [&str; 25] = [
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
    /// SHA-256 of the document's bytes (hex).
    #[serde(default)]
    pub document_sha256: String,
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
    /// The party that owns the port (the listener's machine): a server, role or component, as
    /// the document names it; empty when the document does not say.
    #[serde(default)]
    pub host: String,
    /// The other party of the connection, as the document names it.
    #[serde(default)]
    pub peer: String,
    /// Where the connection comes from, exactly as a table or sentence writes it.
    #[serde(default)]
    pub source: String,
    /// Where the connection goes to (it owns the port), exactly as written.
    #[serde(default)]
    pub destination: String,
    pub direction: String,
    pub qualifier: String,
    pub default_port: bool,
    pub configurable: bool,
    pub notes: String,
    /// How the record was found: `table`, `list`, `prose` or `command` (schema v1's `source`).
    #[serde(default)]
    pub origin: String,
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
            // schema v1 called it `source`: the same value, so ids stay what they were
            self.origin.as_str(),
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

/// Which records to keep (`--product`, `--vendor`, `--release`, `--language` of extract and
/// diff): each given value must match, case and spaces ignored; a language matches its subtags
/// too (`zh` keeps `zh-Hans` and `zh-Hant`).
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    pub product: Option<String>,
    pub vendor: Option<String>,
    pub release: Option<String>,
    pub language: Option<String>,
}

impl RecordFilter {
    pub fn is_empty(&self) -> bool {
        self.product.is_none()
            && self.vendor.is_none()
            && self.release.is_none()
            && self.language.is_none()
    }

    pub fn keeps(&self, r: &PortRecord) -> bool {
        let same = |want: &Option<String>, have: &str| {
            want.as_ref().is_none_or(|w| loose(w) == loose(have))
        };
        let language = self.language.as_ref().is_none_or(|w| {
            let (w, have) = (w.to_ascii_lowercase(), r.language.to_ascii_lowercase());
            have == w || have.starts_with(&format!("{w}-"))
        });
        same(&self.product, &r.product)
            && same(&self.vendor, &r.vendor)
            && same(&self.release, &r.release)
            && language
    }

    /// Keeps the records this filter keeps.
    pub fn apply(&self, records: &mut Vec<PortRecord>) {
        if !self.is_empty() {
            records.retain(|r| self.keeps(r));
        }
    }
}

/// A name as filters and comparisons match it: its key without spaces.
pub fn loose(s: &str) -> String {
    crate::normalize::key(s).replace(' ', "")
}
