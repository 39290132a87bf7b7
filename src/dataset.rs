//! A set of records to compare (for `diff` and `xlang`): a dataset that `extract` wrote
//! (`ports.json`, `ports.csv`, or a folder holding `ports.json`), or documents extracted on the
//! fly (a file or a folder of them).

use crate::discover;
use crate::isolate::Pool;
use crate::record::{PortRecord, COLUMNS, SCHEMA_VERSION};
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
    records: Vec<PortRecord>,
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
    if p.schema_version != SCHEMA_VERSION {
        return Err(bad(
            path,
            format!(
                "schema version {} (this portolan reads {SCHEMA_VERSION})",
                p.schema_version
            ),
        ));
    }
    for (i, r) in p.records.iter().enumerate() {
        check_ports(r).map_err(|why| bad(path, format!("record {} ({}): {why}", i + 1, r.id)))?;
    }
    Ok(p.records)
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
        .map(str::to_string)
        .collect();
    if header != COLUMNS {
        return Err(bad(
            path,
            "not a ports.csv dataset (its columns are not portolan's schema v1)",
        ));
    }
    let mut out = Vec::new();
    for (i, row) in r.records().enumerate() {
        let row = row.map_err(|e| bad(path, e))?;
        let f = |n: usize| row.get(n).unwrap_or("").to_string();
        let num = |n: usize| -> Result<u32, DatasetError> {
            f(n).parse::<u32>().map_err(|_| {
                bad(
                    path,
                    format!("line {}: {} is not a number", i + 2, COLUMNS[n]),
                )
            })
        };
        let port = |n: usize| -> Result<u16, DatasetError> {
            u16::try_from(num(n)?)
                .map_err(|_| bad(path, format!("line {}: {} out of range", i + 2, COLUMNS[n])))
        };
        out.push(PortRecord {
            id: f(0),
            vendor: f(1),
            product: f(2),
            release: f(3),
            language: f(4),
            document: f(5),
            format: f(6),
            page: f(7).parse().ok(),
            table: f(8),
            section: f(9),
            row: num(10)?,
            listener: f(11),
            transport: f(12),
            port_start: port(13)?,
            port_end: port(14)?,
            port_side: f(15),
            remote: f(16),
            direction: f(17),
            qualifier: f(18),
            default_port: f(19) == "true",
            configurable: f(20) == "true",
            notes: f(21),
            source: f(22),
            confidence: f(23).parse().unwrap_or(0.0),
            raw: f(24),
            table_index: 0,
        });
        let r = out.last().expect("just pushed");
        check_ports(r).map_err(|why| bad(path, format!("line {}: {why}", i + 2)))?;
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
        if r.source == "prose" {
            r.table_index = u32::MAX;
            continue;
        }
        let this = (r.document.clone(), r.table.clone(), r.source.clone(), r.row);
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
            source: "table".into(),
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
