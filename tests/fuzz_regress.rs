//! The inputs the fuzzers (fuzz/fuzz_targets/) found crashing, replayed on every `cargo test`.
//!
//! `tests/data/fuzz-regress/<target>/` holds the minimized inputs of one fuzz target, each fed
//! to the same decoder as the target: no panic, and every record with a port in 1..=65535 and
//! a range that does not run backwards. PDFs go through the command line (`portolan extract`,
//! its worker processes), as users run them: the run must finish with exit code 0 or 2 and
//! give every document records or its own error, never a crashed worker. Each PDF is named after
//! the panic site it was found at (`pdf-extract-lib.rs-1787-21`: vendor/pdf-extract/src/lib.rs
//! line 1787). One whose name starts with `unfixed-` still panics there, in pdf-extract or in a
//! crates.io dependency portolan does not patch (adobe-cmap-parser, lopdf): for those a caught
//! panic ("internal error") is the expected per-document error. Every other PDF here must not
//! panic at all: those panics are fixed in vendor/pdf-extract (see its PATCHES.md).
//!
//! A fixture ending in `.gz` is gzipped (the PDFs: libFuzzer's `tmin` cannot shrink a PDF, whose
//! cross-reference table gives byte offsets, so they are the fuzzer's mutations of 30-90 KB
//! seeds) and is read decompressed, under its name without `.gz`.
//!
//! `tests/data/fuzz-regress/pending/<target>/` holds inputs that still crash portolan's own
//! code; this test does not read them yet. Move one up to `<target>/` once its crash is fixed.

use portolan::document::Format;
use portolan::record::PortRecord;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regress")
}

/// The fixtures of one target, sorted (none: an empty list).
fn fixtures(target: &str) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(root().join(target)) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = dir
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    v.sort();
    v
}

/// A fixture's name (without `.gz`) and bytes (decompressed).
fn load(path: &Path) -> (String, Vec<u8>) {
    use std::io::Read;
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match name.strip_suffix(".gz") {
        Some(stem) => {
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (stem.to_string(), bytes)
        }
        None => (name, raw),
    }
}

fn bad_records(records: &[PortRecord]) -> Vec<String> {
    records
        .iter()
        .filter(|r| !(r.port_start >= 1 && r.port_start <= r.port_end))
        .map(|r| format!("impossible port range {}-{}", r.port_start, r.port_end))
        .collect()
}

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Every fixture of `target` decoded as `format` and understood, in this process.
fn replay(target: &str, format: Format) {
    let mut failures = Vec::new();
    for path in fixtures(target) {
        let (_, bytes) = load(&path);
        let run = catch_unwind(AssertUnwindSafe(|| {
            portolan::decode::decode(&bytes, format)
                .ok()
                .map(|doc| portolan::understand::understand(&doc).records)
                .unwrap_or_default()
        }));
        match run {
            Ok(records) => {
                for b in bad_records(&records) {
                    failures.push(format!("{}: {b}", path.display()));
                }
            }
            Err(p) => failures.push(format!(
                "{}: panicked: {}",
                path.display(),
                panic_message(p)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn text_inputs() {
    replay("decode_text", Format::Text);
}

#[test]
fn markdown_inputs() {
    replay("decode_markdown", Format::Markdown);
}

#[test]
fn html_inputs() {
    replay("decode_html", Format::Html);
}

#[test]
fn asciidoc_inputs() {
    replay("decode_asciidoc", Format::AsciiDoc);
}

#[test]
fn rst_inputs() {
    replay("decode_rst", Format::Rst);
}

#[test]
fn csv_inputs() {
    replay("decode_csv", Format::Csv);
}

#[test]
fn port_cell_inputs() {
    use portolan::understand::cells::{parse_port_cell, CellParse};
    let mut failures = Vec::new();
    for path in fixtures("port_cell") {
        let (_, bytes) = load(&path);
        // the fuzz target only sees valid UTF-8
        let Ok(s) = std::str::from_utf8(&bytes) else {
            continue;
        };
        match catch_unwind(|| parse_port_cell(s)) {
            Ok(CellParse::Ports(specs)) => {
                for p in specs {
                    if !(p.start >= 1 && p.start <= p.end) {
                        failures.push(format!("{}: range {}-{}", path.display(), p.start, p.end));
                    }
                }
            }
            Ok(_) => {}
            Err(p) => failures.push(format!(
                "{}: panicked: {}",
                path.display(),
                panic_message(p)
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn read_json(p: &Path) -> serde_json::Value {
    let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn pdf_inputs_cost_at_most_their_own_document() {
    let inputs = fixtures("decode_pdf");
    if inputs.is_empty() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let mut names = Vec::new();
    for p in &inputs {
        let (name, bytes) = load(p);
        let name = format!("{name}.pdf");
        std::fs::write(docs.join(&name), bytes).unwrap();
        names.push(name);
    }
    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args([
            "extract",
            docs.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .args(["--pdf-timeout", "60"])
        .output()
        .expect("portolan runs");
    let code = run.status.code();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        matches!(code, Some(0) | Some(2)),
        "exit {code:?} (a crash of the whole run?): {stderr}"
    );
    let report = read_json(&out.join("report.json"));
    let documents = report["documents"].as_array().unwrap();
    let mut failures = Vec::new();
    for name in &names {
        let Some(d) = documents.iter().find(|d| d["document"] == name.as_str()) else {
            failures.push(format!("{name}: not in report.json"));
            continue;
        };
        let error = d["error"].as_str().unwrap_or("");
        // a worker that crashed, aborted or overflowed its stack
        if error.contains("crashed or was stopped") {
            failures.push(format!("{name}: the worker crashed: {error}"));
        }
        // a panic caught inside the worker: only the unfixed ones are expected
        if error.contains("internal error") && !name.starts_with("unfixed-") {
            failures.push(format!("{name}: panicked: {error}"));
        }
    }
    let ports = read_json(&out.join("ports.json"));
    for r in ports["records"].as_array().unwrap() {
        let (s, e) = (
            r["port_start"].as_u64().unwrap(),
            r["port_end"].as_u64().unwrap(),
        );
        if !(1..=65535).contains(&s) || s > e || e > 65535 {
            failures.push(format!("{}: impossible port range {s}-{e}", r["document"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
