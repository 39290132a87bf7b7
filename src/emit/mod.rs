//! Emitters only serialize: `ports.csv`, `ports.json`, `report.json`, `report.md`. Files are
//! written atomically (a temporary file in the same folder, then a rename), so a failed run never
//! leaves a half-written dataset behind.

use crate::error::RunError;
use crate::record::{PortRecord, COLUMNS, SCHEMA_VERSION};
use crate::{DocReport, Extraction};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// `ports.csv` as bytes.
pub fn to_csv(records: &[PortRecord]) -> Vec<u8> {
    let mut v = Vec::new();
    write_csv(&mut v, records).expect("in-memory write");
    v
}

/// Writes `ports.csv` to `out`.
pub fn write_csv<W: Write>(out: W, records: &[PortRecord]) -> std::io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for r in records {
        let row: [String; 25] = [
            r.id.clone(),
            r.vendor.clone(),
            r.product.clone(),
            r.release.clone(),
            r.language.clone(),
            r.document.clone(),
            r.format.clone(),
            r.page.map(|p| p.to_string()).unwrap_or_default(),
            r.table.clone(),
            r.section.clone(),
            r.row.to_string(),
            r.listener.clone(),
            r.transport.clone(),
            r.port_start.to_string(),
            r.port_end.to_string(),
            r.port_side.clone(),
            r.remote.clone(),
            r.direction.clone(),
            r.qualifier.clone(),
            r.default_port.to_string(),
            r.configurable.to_string(),
            r.notes.clone(),
            r.source.clone(),
            format!("{:.2}", r.confidence),
            r.raw.clone(),
        ];
        w.write_record(&row)?;
    }
    w.flush()
}

#[derive(Serialize)]
struct PortsJson<'a> {
    schema_version: u32,
    records: &'a [PortRecord],
}

/// `ports.json` as bytes (pretty-printed, newline-terminated).
pub fn to_json(records: &[PortRecord]) -> Vec<u8> {
    let mut v = Vec::new();
    write_json(&mut v, records).expect("in-memory write");
    v
}

/// Writes `ports.json` to `out`.
pub fn write_json<W: Write>(mut out: W, records: &[PortRecord]) -> std::io::Result<()> {
    serde_json::to_writer_pretty(
        &mut out,
        &PortsJson {
            schema_version: SCHEMA_VERSION,
            records,
        },
    )?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
pub struct Totals {
    pub documents: usize,
    pub failed: usize,
    pub tables: usize,
    pub port_tables: usize,
    pub records: usize,
    pub warnings: usize,
}

pub fn totals(reports: &[DocReport]) -> Totals {
    Totals {
        documents: reports.len(),
        failed: reports.iter().filter(|r| r.error.is_some()).count(),
        tables: reports.iter().map(|r| r.tables).sum(),
        port_tables: reports.iter().map(|r| r.port_tables).sum(),
        records: reports.iter().map(|r| r.records).sum(),
        warnings: reports.iter().map(|r| r.warnings.len()).sum(),
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    schema_version: u32,
    totals: Totals,
    documents: &'a [DocReport],
}

pub fn report_json(reports: &[DocReport]) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(&ReportJson {
        schema_version: SCHEMA_VERSION,
        totals: totals(reports),
        documents: reports,
    })
    .expect("report serializes");
    v.push(b'\n');
    v
}

/// Text made safe for one Markdown table cell.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn report_md(reports: &[DocReport]) -> Vec<u8> {
    let t = totals(reports);
    let mut s = String::new();
    s.push_str("# portolan extract report\n\n");
    s.push_str(&format!(
        "{} documents, {} failed; {} tables ({} about ports); {} records; {} warnings.\n\n",
        t.documents, t.failed, t.tables, t.port_tables, t.records, t.warnings
    ));
    s.push_str(
        "| document | format | language | tables | port tables | records | warnings | error |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|\n");
    for r in reports {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            md_cell(&r.document),
            r.format,
            r.language,
            r.tables,
            r.port_tables,
            r.records,
            r.warnings.len(),
            md_cell(r.error.as_deref().unwrap_or(""))
        ));
    }
    let warned: Vec<&DocReport> = reports.iter().filter(|r| !r.warnings.is_empty()).collect();
    if !warned.is_empty() {
        s.push_str("\n## Warnings\n");
        for r in warned {
            s.push_str(&format!("\n### {}\n\n", r.document));
            for w in &r.warnings {
                s.push_str(&format!("- {}\n", w.replace('\n', " ")));
            }
        }
    }
    let failed: Vec<&DocReport> = reports.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        s.push_str("\n## Errors\n\n");
        for r in failed {
            s.push_str(&format!(
                "- {} ({}): {}\n",
                r.document,
                r.path,
                r.error.as_deref().unwrap_or("")
            ));
        }
    }
    s.into_bytes()
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` atomically: `fill` writes into a temporary file beside it, which then
/// replaces `path` in one rename.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    let io = |e: std::io::Error| RunError::Io {
        path: path.display().to_string(),
        source: e,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let f = std::fs::File::create(&tmp).map_err(io)?;
    let mut w = std::io::BufWriter::new(f);
    let written = fill(&mut w).and_then(|_| w.flush());
    let synced = written.and_then(|_| w.get_ref().sync_all());
    drop(w);
    if let Err(e) = synced {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// Writes the four outputs of an extraction into `dir` (created if missing).
pub fn write_outputs(dir: &Path, x: &Extraction) -> Result<(), RunError> {
    std::fs::create_dir_all(dir).map_err(|e| RunError::Io {
        path: dir.display().to_string(),
        source: e,
    })?;
    // each file is streamed into a temporary file and renamed into place
    write_atomic_with(&dir.join("ports.csv"), |w| write_csv(w, &x.records))?;
    write_atomic_with(&dir.join("ports.json"), |w| write_json(w, &x.records))?;
    write_atomic(&dir.join("report.json"), &report_json(&x.reports))?;
    write_atomic(&dir.join("report.md"), &report_md(&x.reports))
}
