//! portolan: vendor port-utilization chapters in, one canonical port dataset out.
//!
//! The pipeline is a chain of plain stages: [`discover`] inputs -> [`decode`] each format into a
//! [`document::Document`] -> [`understand`] tables and prose -> [`record::PortRecord`]s ->
//! [`emit`] CSV, JSON and the run report. Documents are processed in parallel (rayon); the
//! output is sorted canonically, so it does not depend on thread count or input order.

pub mod budget;
pub mod dataset;
pub mod decode;
pub mod diff;
pub mod discover;
pub mod document;
pub mod emit;
pub mod error;
pub mod identity;
pub mod isolate;
pub mod lang;
pub mod normalize;
pub mod record;
pub mod rules;
pub mod structure;
pub mod tuning;
pub mod understand;
pub mod vocab;
pub mod xlang;

use crate::discover::Input;
use crate::document::Format;
use crate::error::DocError;
use crate::record::{sort_records, PortRecord};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What happened to one document, for the run report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocReport {
    pub document: String,
    pub path: String,
    /// SHA-256 of the document's bytes (hex); empty when it could not be read.
    #[serde(default)]
    pub sha256: String,
    /// What the document is about, and where each came from ("sidecar", "document metadata",
    /// "the title", "the first heading", "a known vendor name in the title"); empty when
    /// nothing says.
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub vendor_from: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub product_from: String,
    #[serde(default)]
    pub release: String,
    #[serde(default)]
    pub release_from: String,
    pub format: String,
    pub language: String,
    pub tables: usize,
    pub port_tables: usize,
    /// How a PDF's tables were read: "structure tree" (a tagged PDF's Table/TR/TD elements) or
    /// "layout" (columns and rows from where the text stands); empty for other formats.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tables_read_by: String,
    pub records: usize,
    pub warnings: Vec<String>,
    pub error: Option<String>,
}

/// Records and per-document reports of a run, both in canonical order.
#[derive(Debug, Default)]
pub struct Extraction {
    pub records: Vec<PortRecord>,
    pub reports: Vec<DocReport>,
    /// Paths under the inputs that were not read ([`discover::Discovery::problems`]).
    pub problems: Vec<discover::PathProblem>,
}

impl Extraction {
    /// Documents that failed.
    pub fn failed(&self) -> usize {
        self.reports.iter().filter(|r| r.error.is_some()).count()
    }

    /// Folders under the inputs that could not be read (the run is incomplete without them).
    pub fn unreadable_paths(&self) -> usize {
        self.problems.iter().filter(|p| p.failed).count()
    }
}

/// Reads, decodes and understands one document within the default time budget
/// ([`budget::DEFAULT_DOCUMENT_SECONDS`]). Never panics: a panic inside a parser becomes this
/// document's error.
pub fn process(input: &Input) -> (Vec<PortRecord>, DocReport) {
    process_within(
        input,
        std::time::Duration::from_secs(budget::DEFAULT_DOCUMENT_SECONDS),
    )
}

/// Like [`process`], with a time budget of `limit`: a document that takes longer fails with
/// [`DocError::TimeLimit`].
pub fn process_within(input: &Input, limit: std::time::Duration) -> (Vec<PortRecord>, DocReport) {
    let mut report = DocReport {
        document: input.document.clone(),
        path: input.path.to_string_lossy().replace('\\', "/"),
        sha256: String::new(),
        vendor: String::new(),
        vendor_from: String::new(),
        product: String::new(),
        product_from: String::new(),
        release: String::new(),
        release_from: String::new(),
        format: String::new(),
        language: String::new(),
        tables: 0,
        port_tables: 0,
        tables_read_by: String::new(),
        records: 0,
        warnings: Vec::new(),
        error: None,
    };
    let result = catch_unwind(AssertUnwindSafe(|| {
        budget::within(limit, || process_inner(input, &mut report))
    }));
    let records = match result {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            report.error = Some(e.to_string());
            Vec::new()
        }
        Err(panic) if budget::is_expired(panic.as_ref()) => {
            report.error = Some(DocError::TimeLimit(limit.as_secs_f64()).to_string());
            Vec::new()
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            report.error = Some(DocError::Panic(msg).to_string());
            Vec::new()
        }
    };
    report.records = records.len();
    (records, report)
}

/// The largest PDF read (its pages are decoded in a worker with its own memory limit); every
/// other format is held to the text decoders' limit ([`decode::encoding::MAX_BYTES`]).
pub const MAX_PDF_BYTES: u64 = 512 * 1024 * 1024;

/// A document's bytes, never more than its format's limit: the size is checked before reading,
/// and the read itself is bounded (a file that grows, or a special file, cannot exceed it).
fn read_bounded(path: &std::path::Path, format: Format) -> Result<Vec<u8>, DocError> {
    let limit = match format {
        Format::Pdf => MAX_PDF_BYTES,
        _ => decode::encoding::MAX_BYTES as u64,
    };
    discover::read_regular(path, limit).map_err(|e| match e {
        Ok(size) => DocError::TooLarge { size, limit },
        Err(e) => DocError::Io(e),
    })
}

fn process_inner(input: &Input, report: &mut DocReport) -> Result<Vec<PortRecord>, DocError> {
    let format = discover::format_of(&input.path).ok_or_else(|| {
        DocError::Unsupported(format!(
            "unknown document format (by its extension); portolan reads {}",
            discover::KNOWN_EXTENSIONS
        ))
    })?;
    // the extension's format, so that a file that cannot be read still reports one
    report.format = format.as_str().to_string();
    if input.path.file_name().is_some_and(|n| n.to_str().is_none()) {
        report.warnings.push(format!(
            "the file name is not UTF-8; the document is named {:?} (undecodable bytes as U+FFFD)",
            input.document
        ));
    }
    let bytes = read_bounded(&input.path, format)?;
    let format = discover::sniff_text(format, &bytes[..bytes.len().min(64 * 1024)]);
    report.format = format.as_str().to_string();
    report.sha256 = sha256_hex(&bytes);
    let mut doc = decode::decode(&bytes, format)?;
    drop(bytes);
    let mut given_from = ["document metadata"; 3];
    if let Some(side) = discover::sidecar(&input.path).map_err(DocError::Unsupported)? {
        let m = &mut doc.meta;
        for (k, (dst, src)) in [
            (&mut m.vendor, side.vendor),
            (&mut m.product, side.product),
            (&mut m.release, side.release),
        ]
        .into_iter()
        .enumerate()
        {
            if !src.is_empty() {
                *dst = src;
                given_from[k] = "sidecar";
            }
        }
        if side.language.is_some() {
            m.language = side.language;
        }
    }
    let sample = doc.text_sample(20_000);
    let language = doc
        .meta
        .language
        .as_deref()
        .map(lang::canonical_tag)
        .filter(|t| !t.is_empty())
        .or_else(|| lang::from_path(&input.document))
        .map(|t| lang::settle_chinese(t, &sample))
        .unwrap_or_else(|| lang::detect(&sample));
    report.language = language.clone();
    let u = understand::understand(&doc);
    // a table in another script than the document (an English table in a Japanese page)
    let table_languages: Vec<Option<String>> = u
        .table_samples
        .iter()
        .map(|s| lang::table_language(&language, s))
        .collect();
    report.tables = u.tables;
    report.port_tables = u.port_tables;
    report.tables_read_by = doc.tables_read_by.unwrap_or_default().to_string();
    report.warnings.extend(doc.warnings.iter().cloned());
    report.warnings.extend(u.warnings);
    // what the document is about, from its metadata, else its title or first heading
    let (vendor, product, release) = identity::identify(&doc, given_from);
    report.vendor = vendor.value;
    report.vendor_from = vendor.from;
    report.product = product.value;
    report.product_from = product.from;
    report.release = release.value;
    report.release_from = release.from;
    let mut records = u.records;
    for r in &mut records {
        r.vendor = report.vendor.clone();
        r.product = report.product.clone();
        r.release = report.release.clone();
        r.language = table_languages
            .get(r.table_index as usize)
            .cloned()
            .flatten()
            .unwrap_or_else(|| language.clone());
        r.document = input.document.clone();
        r.document_sha256 = report.sha256.clone();
        r.format = format.as_str().to_string();
        r.confidence = (r.confidence * 100.0).round() / 100.0;
        r.compute_id();
    }
    Ok(records)
}

/// Processes documents in parallel and returns everything in canonical order. `tick` is called
/// once per finished document (for a progress bar).
pub fn extract(inputs: &[Input], tick: &(dyn Fn() + Sync)) -> Extraction {
    extract_with(inputs, tick, None)
}

/// Like [`extract`], with PDFs processed in the worker processes of `pool` (crash and hang
/// isolation) when one is given; other formats are decoded in this process, where a panic is
/// caught.
pub fn extract_with(
    inputs: &[Input],
    tick: &(dyn Fn() + Sync),
    pool: Option<&isolate::Pool>,
) -> Extraction {
    extract_within(
        inputs,
        tick,
        pool,
        std::time::Duration::from_secs(budget::DEFAULT_DOCUMENT_SECONDS),
    )
}

/// Like [`extract_with`], with a time budget of `limit` for each document read in this process
/// (PDFs in workers have the pool's timeout).
pub fn extract_within(
    inputs: &[Input],
    tick: &(dyn Fn() + Sync),
    pool: Option<&isolate::Pool>,
    limit: std::time::Duration,
) -> Extraction {
    let mut results: Vec<(Vec<PortRecord>, DocReport)> = inputs
        .par_iter()
        .map(|i| {
            let r = match pool {
                Some(p) if discover::format_of(&i.path) == Some(Format::Pdf) => {
                    p.process(i, Format::Pdf.as_str())
                }
                _ => process_within(i, limit),
            };
            tick();
            r
        })
        .collect();
    results.sort_by(|a, b| (&a.1.document, &a.1.path).cmp(&(&b.1.document, &b.1.path)));
    let mut out = Extraction::default();
    for (recs, rep) in results {
        out.records.extend(recs);
        out.reports.push(rep);
    }
    sort_records(&mut out.records);
    out
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
