//! Emitters only serialize: `ports.csv`, `ports.json`, `report.json`, `report.md`. The four are
//! replaced as one set: they are written into a fresh sibling folder which then takes the output
//! folder's place in one atomic exchange, so an interrupted run (even `kill -9`) leaves either the
//! old dataset or the new one, whole. Single-file outputs (diff and xlang reports) are written
//! to a temporary file and renamed into place.

pub mod sqlite;

use crate::discover::PathProblem;
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

/// How a CSV is written for a spreadsheet (`--csv-bom`, `--csv-neutralize`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvStyle {
    /// Start with a UTF-8 byte-order mark (Excel then reads non-Latin text right).
    pub bom: bool,
    /// Text cells a spreadsheet would run as a formula get a leading `'` ([`neutralized`]).
    pub neutralize: bool,
}

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

/// A spreadsheet cell that cannot run: a text a spreadsheet would read as a formula (leading
/// `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`.
pub fn neutralized(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Writes `ports.csv` to `out`.
pub fn write_csv<W: Write>(out: W, records: &[PortRecord]) -> std::io::Result<()> {
    write_csv_styled(out, records, CsvStyle::default())
}

/// Writes `ports.csv` to `out`, for a spreadsheet as `style` says.
pub fn write_csv_styled<W: Write>(
    mut out: W,
    records: &[PortRecord],
    style: CsvStyle,
) -> std::io::Result<()> {
    if style.bom {
        out.write_all(BOM.as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    w.write_record(COLUMNS)?;
    for r in records {
        let row: [&str; 29] = [
            &r.id,
            &r.vendor,
            &r.product,
            &r.release,
            &r.language,
            &r.document,
            &r.document_sha256,
            &r.format,
            &r.page.map(|p| p.to_string()).unwrap_or_default(),
            &r.table,
            &r.section,
            &r.row.to_string(),
            &r.listener,
            &r.transport,
            &r.port_start.to_string(),
            &r.port_end.to_string(),
            &r.port_side,
            &r.host,
            &r.peer,
            &r.source,
            &r.destination,
            &r.direction,
            &r.qualifier,
            if r.default_port { "true" } else { "false" },
            if r.configurable { "true" } else { "false" },
            &r.notes,
            &r.origin,
            &format!("{:.2}", r.confidence),
            &r.raw,
        ];
        if style.neutralize {
            w.write_record(row.iter().map(|c| neutralized(c)))?;
        } else {
            w.write_record(row)?;
        }
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
    /// Paths under the inputs that were not read (see the report's `paths`).
    pub paths_not_read: usize,
}

pub fn totals(reports: &[DocReport], problems: &[PathProblem]) -> Totals {
    Totals {
        paths_not_read: problems.len(),
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
    /// Folders that could not be read, links and special files that were not.
    paths: &'a [PathProblem],
}

pub fn report_json(x: &Extraction) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(&ReportJson {
        schema_version: SCHEMA_VERSION,
        totals: totals(&x.reports, &x.problems),
        documents: &x.reports,
        paths: &x.problems,
    })
    .expect("report serializes");
    v.push(b'\n');
    v
}

/// Text made safe for one line of Markdown: HTML in it (`<script>` from a document's cell) is
/// shown, never interpreted, and a newline does not end the line.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text made safe for one Markdown table cell: [`md_text`], with `|` escaped.
pub fn md_cell(s: &str) -> String {
    md_text(s).replace('|', "\\|")
}

pub fn report_md(x: &Extraction) -> Vec<u8> {
    let reports = &x.reports;
    let t = totals(reports, &x.problems);
    let mut s = String::new();
    s.push_str("# portolan extract report\n\n");
    s.push_str(&format!(
        "{} documents, {} failed; {} tables ({} about ports); {} records; {} warnings.\n\n",
        t.documents, t.failed, t.tables, t.port_tables, t.records, t.warnings
    ));
    if t.paths_not_read > 0 {
        s.push_str(&format!(
            "{} paths under the inputs not read (listed at the end).\n\n",
            t.paths_not_read
        ));
    }
    s.push_str(
        "| document | format | language | tables | port tables | records | warnings | error |\n",
    );
    s.push_str("|---|---|---|---|---|---|---|---|\n");
    for r in reports {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            md_cell(&r.document),
            md_cell(&if r.tables_read_by.is_empty() {
                r.format.clone()
            } else {
                format!("{} ({})", r.format, r.tables_read_by)
            }),
            md_cell(&r.language),
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
            s.push_str(&format!("\n### {}\n\n", md_text(&r.document)));
            for w in &r.warnings {
                s.push_str(&format!("- {}\n", md_text(w)));
            }
        }
    }
    let failed: Vec<&DocReport> = reports.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        s.push_str("\n## Errors\n\n");
        for r in failed {
            s.push_str(&format!(
                "- {} ({}): {}\n",
                md_text(&r.document),
                md_text(&r.path),
                md_text(r.error.as_deref().unwrap_or(""))
            ));
        }
    }
    if !x.problems.is_empty() {
        s.push_str("\n## Paths not read\n\n");
        for p in &x.problems {
            let what = if p.failed { "error" } else { "skipped" };
            s.push_str(&format!(
                "- {} ({what}): {}\n",
                md_text(&p.path),
                md_text(&p.problem)
            ));
        }
    }
    s.into_bytes()
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> RunError + '_ {
    move |e| RunError::Io {
        path: path.display().to_string(),
        source: e,
    }
}

/// Whether the process `pid` is gone (its temporary files and folders are stale).
fn gone(pid: u32) -> bool {
    #[cfg(unix)]
    {
        if pid == std::process::id() {
            return false;
        }
        // signal 0 checks existence; ESRCH: no such process
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// Removes what interrupted runs left in `dir`: entries named `{prefix}{pid}` whose process is
/// gone. Best effort: a file that cannot be removed is left for the next run.
fn remove_stale(dir: &Path, prefixes: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = prefixes
            .iter()
            .find_map(|p| name.strip_prefix(p.as_str()))
            .and_then(|rest| rest.parse::<u32>().ok());
        if pid.is_some_and(gone) {
            let p = e.path();
            let _ = if e.file_type().is_ok_and(|t| t.is_dir()) {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
}

/// Writes to `path` atomically: `fill` writes into a temporary file beside it, which then
/// replaces `path` in one rename. Temporary files of interrupted runs are removed first.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    let io = io_at(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    remove_stale(dir, std::slice::from_ref(&prefix));
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let written = write_file(&tmp, fill);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

/// Creates `path`, fills it and flushes it to disk.
fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let f = std::fs::File::create(path)?;
    let mut w = std::io::BufWriter::new(f);
    fill(&mut w)?;
    w.flush()?;
    w.get_ref().sync_all()
}

/// Flushes a folder's entries (a rename inside it) to disk. Best effort where folders cannot be
/// opened.
fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// The files one extraction writes, and the only ones an output folder may hold: the folder is
/// replaced as a whole, so anything else in it would be lost.
pub const OUTPUT_FILES: [&str; 4] = ["ports.csv", "ports.json", "report.json", "report.md"];

/// A step of [`write_outputs`], for tests that interrupt it (`PORTOLAN_ABORT_AT=<step>` makes
/// the process abort there, as `kill -9` would).
fn step(name: &str) {
    if std::env::var_os("PORTOLAN_ABORT_AT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

/// Swaps two paths in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`). `Ok(false)` where
/// the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let ca = std::ffi::CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let cb = std::ffi::CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths; the call only reads them.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Where the old set of an interrupted replacement was left aside and the output folder is
/// missing (systems without an atomic exchange), puts it back. Whether it did.
fn restore_stale_old(parent: &Path, dir: &Path, old_prefix: &str) -> bool {
    if dir.exists() {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(parent) else {
        return false;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(old_prefix)
            .and_then(|rest| rest.parse::<u32>().ok());
        if pid.is_some_and(gone) && std::fs::rename(e.path(), dir).is_ok() {
            return true;
        }
    }
    false
}

/// Writes the four outputs of an extraction as one set into `dir`. They are written into a
/// fresh sibling folder, `.NAME.portolan-new-PID`, which then takes `dir`'s place in one atomic
/// exchange; the old set is removed after. Folders that interrupted runs left are removed
/// first. `dir` may hold nothing but an earlier set of outputs (an error names anything else).
pub fn write_outputs(dir: &Path, x: &Extraction) -> Result<(), RunError> {
    write_outputs_styled(dir, x, CsvStyle::default())
}

/// [`write_outputs`], with `ports.csv` written for a spreadsheet as `csv` says.
pub fn write_outputs_styled(dir: &Path, x: &Extraction, csv: CsvStyle) -> Result<(), RunError> {
    // a link to a folder: the folder it points at is replaced, the link stays
    let dir = match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(dir).map_err(io_at(dir))?,
        _ => std::path::absolute(dir).map_err(io_at(dir))?,
    };
    let dir = dir.as_path();
    let (Some(parent), Some(name)) = (dir.parent(), dir.file_name()) else {
        return Err(RunError::Io {
            path: dir.display().to_string(),
            source: std::io::Error::other("not a folder portolan can replace; name a subfolder"),
        });
    };
    let name = name.to_string_lossy().into_owned();
    std::fs::create_dir_all(parent).map_err(io_at(parent))?;
    let exists = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => true,
        Ok(_) => {
            return Err(RunError::Io {
                path: dir.display().to_string(),
                source: std::io::Error::other("exists and is not a folder"),
            })
        }
        Err(_) => false,
    };
    if exists {
        let mut foreign: Vec<String> = std::fs::read_dir(dir)
            .map_err(io_at(dir))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !OUTPUT_FILES.contains(&n.as_str()) && !n.contains(".tmp-"))
            .collect();
        if !foreign.is_empty() {
            foreign.sort();
            return Err(RunError::Foreign {
                path: dir.display().to_string(),
                names: foreign.join(", "),
            });
        }
    }
    let new_prefix = format!(".{name}.portolan-new-");
    let old_prefix = format!(".{name}.portolan-old-");
    let exists = exists || restore_stale_old(parent, dir, &old_prefix);
    remove_stale(parent, &[new_prefix.clone(), old_prefix.clone()]);
    let pid = std::process::id();
    let stage = parent.join(format!("{new_prefix}{pid}"));
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir(&stage).map_err(io_at(&stage))?;
    let filled = (|| -> Result<(), RunError> {
        let at = |n: &str| stage.join(n);
        write_file(&at("ports.csv"), |w| write_csv_styled(w, &x.records, csv))
            .map_err(io_at(&at("ports.csv")))?;
        step("ports.csv");
        write_file(&at("ports.json"), |w| write_json(w, &x.records))
            .map_err(io_at(&at("ports.json")))?;
        step("ports.json");
        write_file(&at("report.json"), |w| w.write_all(&report_json(x)))
            .map_err(io_at(&at("report.json")))?;
        step("report.json");
        write_file(&at("report.md"), |w| w.write_all(&report_md(x)))
            .map_err(io_at(&at("report.md")))?;
        step("report.md");
        sync_dir(&stage);
        Ok(())
    })();
    if let Err(e) = filled {
        let _ = std::fs::remove_dir_all(&stage);
        return Err(e);
    }
    let swapped = if exists {
        exchange(&stage, dir).map_err(io_at(dir))?
    } else {
        false
    };
    if swapped {
        // `stage` now holds the old set
        step("exchanged");
        sync_dir(parent);
        let _ = std::fs::remove_dir_all(&stage);
    } else {
        // no exchange: the old set steps aside first (a run that is killed here leaves it as
        // `.NAME.portolan-old-PID`, which the next run puts back if the new set is missing)
        let old = parent.join(format!("{old_prefix}{pid}"));
        if exists {
            std::fs::rename(dir, &old).map_err(io_at(dir))?;
            step("moved-aside");
        }
        if let Err(e) = std::fs::rename(&stage, dir) {
            if exists {
                let _ = std::fs::rename(&old, dir);
            }
            let _ = std::fs::remove_dir_all(&stage);
            return Err(io_at(dir)(e));
        }
        sync_dir(parent);
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
