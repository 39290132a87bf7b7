//! A set of records to compare (for `diff` and `xlang`): a dataset that `extract` wrote
//! (`ports.json`, `ports.csv`, or a folder holding `ports.json`), or documents extracted on the
//! fly (a file or a folder of them).

use crate::discover;
use crate::isolate::Pool;
use crate::record::{PortRecord, COLUMNS, SCHEMA_VERSION, V1_COLUMNS};
use crate::{extract_with, DocReport};
use serde::Deserialize;
use std::path::Path;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DatasetError {
    #[error("{0}: no such file or folder")]
    Missing(String),
    #[error("{path}: {why}")]
    Bad { path: String, why: String },
}

/// Records with where they came from.
#[derive(Debug, Default)]
pub struct Dataset {
    /// What was read: the dataset file, or the documents' path.
    pub source: String,
    /// True when the records were extracted from documents just now.
    pub extracted: bool,
    pub records: Vec<PortRecord>,
    /// Documents that could not be extracted (on-the-fly extraction only).
    pub failed: Vec<DocReport>,
}

#[derive(Deserialize)]
struct PortsJson {
    schema_version: u32,
    records: Vec<serde_json::Value>,
}

/// A schema v1 record in v2's fields: `source` (how it was found) is `origin`, and `remote` is
/// the peer, or the host of a port on the remote side. v1 knew no source or destination.
fn from_v1(r: &mut PortRecord, v1_source: String, remote: String) {
    r.origin = v1_source;
    if r.port_side == "remote" {
        r.host = remote;
    } else {
        r.peer = remote;
    }
}

fn bad(path: &Path, why: impl std::fmt::Display) -> DatasetError {
    DatasetError::Bad {
        path: path.display().to_string(),
        why: why.to_string(),
    }
}

/// Reads a dataset or extracts documents. PDFs are read in `pool`'s worker processes when one
/// is given.
pub fn load(path: &Path, pool: Option<&Pool>) -> Result<Dataset, DatasetError> {
    if !path.exists() {
        return Err(DatasetError::Missing(path.display().to_string()));
    }
    let dataset_file = if path.is_dir() {
        Some(path.join("ports.json")).filter(|p| p.is_file())
    } else {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        matches!(ext.as_str(), "json" | "csv").then(|| path.to_path_buf())
    };
    let d = match dataset_file {
        Some(f) => {
            let mut records = if f.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
                read_csv(&f)?
            } else {
                read_json(&f)?
            };
            number_tables(&mut records);
            Dataset {
                source: f.display().to_string(),
                extracted: false,
                records,
                failed: Vec::new(),
            }
        }
        None => {
            let found = discover::discover(&[path.to_path_buf()], &[]);
            if let Some(p) = found.problems.iter().find(|p| p.failed) {
                return Err(bad(path, format!("{}: {}", p.path, p.problem)));
            }
            let inputs = found.inputs;
            if inputs.is_empty() {
                return Err(bad(
                    path,
                    format!("no documents to read ({})", discover::KNOWN_EXTENSIONS),
                ));
            }
            let x = extract_with(&inputs, &|| {}, pool);
            Dataset {
                source: path.display().to_string(),
                extracted: true,
                records: x.records,
                failed: x
                    .reports
                    .into_iter()
                    .filter(|r| r.error.is_some())
                    .collect(),
            }
        }
    };
    Ok(d)
}

fn read_json(path: &Path) -> Result<Vec<PortRecord>, DatasetError> {
    let bytes = std::fs::read(path).map_err(|e| bad(path, e))?;
    let p: PortsJson = serde_json::from_slice(&bytes)
        .map_err(|e| bad(path, format!("not a ports.json dataset: {e}")))?;
    if p.schema_version != SCHEMA_VERSION && p.schema_version != 1 {
        return Err(bad(
            path,
            format!(
                "schema version {} (this portolan reads {SCHEMA_VERSION} and 1)",
                p.schema_version
            ),
        ));
    }
    let mut out = Vec::with_capacity(p.records.len());
    for (i, mut v) in p.records.into_iter().enumerate() {
        let field = |v: &mut serde_json::Value, k: &str| -> String {
            v.as_object_mut()
                .and_then(|o| o.remove(k))
                .and_then(|x| x.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let v1 =
            (p.schema_version == 1).then(|| (field(&mut v, "source"), field(&mut v, "remote")));
        let mut r: PortRecord =
            serde_json::from_value(v).map_err(|e| bad(path, format!("record {}: {e}", i + 1)))?;
        if let Some((source, remote)) = v1 {
            from_v1(&mut r, source, remote);
        }
        check_ports(&r).map_err(|why| bad(path, format!("record {} ({}): {why}", i + 1, r.id)))?;
        out.push(r);
    }
    Ok(out)
}

/// What both readers refuse in a record: a port outside 1..=65535 or a backwards range.
fn check_ports(r: &PortRecord) -> Result<(), String> {
    if r.port_start == 0 || r.port_end == 0 {
        return Err("port 0 is not a port".into());
    }
    if r.port_start > r.port_end {
        return Err(format!(
            "the range {}-{} runs backwards",
            r.port_start, r.port_end
        ));
    }
    Ok(())
}

fn read_csv(path: &Path) -> Result<Vec<PortRecord>, DatasetError> {
    let mut r = csv::Reader::from_path(path).map_err(|e| bad(path, e))?;
    let header: Vec<String> = r
        .headers()
        .map_err(|e| bad(path, e))?
        .iter()
        // a spreadsheet may have saved it with a byte-order mark
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let v1 = header == V1_COLUMNS;
    if !v1 && header != COLUMNS {
        return Err(bad(
            path,
            "not a ports.csv dataset (its columns are not portolan's schema v2 or v1)",
        ));
    }
    let mut out = Vec::new();
    // each column's place, found once (a release can hold a million rows)
    let column: std::collections::HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(n, h)| (h.as_str(), n))
        .collect();
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| bad(path, e))?;
        let f = |name: &str| -> String {
            column
                .get(name)
                .and_then(|&n| row.get(n))
                .unwrap_or("")
                .to_string()
        };
        let num = |name: &str| -> Result<u32, DatasetError> {
            f(name)
                .parse::<u32>()
                .map_err(|_| bad(path, format!("line {}: {name} is not a number", i + 2)))
        };
        let port = |name: &str| -> Result<u16, DatasetError> {
            u16::try_from(num(name)?)
                .map_err(|_| bad(path, format!("line {}: {name} out of range", i + 2)))
        };
        let mut rec = PortRecord {
            id: f("id"),
            vendor: f("vendor"),
            product: f("product"),
            release: f("release"),
            language: f("language"),
            document: f("document"),
            document_sha256: f("document_sha256"),
            format: f("format"),
            page: f("page").parse().ok(),
            table: f("table"),
            section: f("section"),
            row: num("row")?,
            listener: f("listener"),
            transport: f("transport"),
            port_start: port("port_start")?,
            port_end: port("port_end")?,
            port_side: f("port_side"),
            host: f("host"),
            peer: f("peer"),
            // v1's `source` is how the record was found (`origin` below)
            source: if v1 { String::new() } else { f("source") },
            destination: f("destination"),
            direction: f("direction"),
            qualifier: f("qualifier"),
            default_port: f("default_port") == "true",
            configurable: f("configurable") == "true",
            notes: f("notes"),
            origin: f("origin"),
            confidence: f("confidence").parse().unwrap_or(0.0),
            raw: f("raw"),
            table_index: 0,
        };
        if v1 {
            from_v1(&mut rec, f("source"), f("remote"));
        }
        check_ports(&rec).map_err(|why| bad(path, format!("line {}: {why}", i + 2)))?;
        out.push(rec);
    }
    Ok(out)
}

/// Gives records read from a dataset their table's place in its document again (the datasets
/// do not store it; their records are in canonical order, table by table): a new table starts
/// where the document, the table title or the source changes, or the row number goes back.
/// Prose records come after every table.
pub fn number_tables(records: &mut [PortRecord]) {
    let mut prev: Option<(String, String, String, u32)> = None;
    let mut index = 0u32;
    for r in records.iter_mut() {
        if r.origin == "prose" {
            r.table_index = u32::MAX;
            continue;
        }
        let this = (r.document.clone(), r.table.clone(), r.origin.clone(), r.row);
        match &prev {
            Some((d, _, _, _)) if *d != this.0 => index = 0,
            Some((_, t, s, row)) if *t != this.1 || *s != this.2 || this.3 < *row => index += 1,
            _ => {}
        }
        r.table_index = index;
        prev = Some(this);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(doc: &str, table: &str, row: u32) -> PortRecord {
        PortRecord {
            document: doc.into(),
            table: table.into(),
            row,
            origin: "table".into(),
            ..Default::default()
        }
    }

    #[test]
    fn table_order_comes_back_from_record_order() {
        let mut v = vec![
            rec("a", "T1", 1),
            rec("a", "T1", 2),
            rec("a", "T2", 1),
            rec("a", "T2", 1),
            // the same title again, a new table: the row number starts over
            rec("a", "T2", 1),
            rec("b", "T1", 1),
        ];
        v[4].row = 1;
        v[3].row = 3;
        number_tables(&mut v);
        let idx: Vec<u32> = v.iter().map(|r| r.table_index).collect();
        assert_eq!(idx, vec![0, 0, 1, 1, 2, 0]);
    }
}
