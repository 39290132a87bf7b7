//! `portolan xlang A B`: two language versions of one document, compared.

use super::{pdf_pool, EXIT_OK};
use anyhow::{bail, Context, Result};
use portolan::{dataset, emit, xlang};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "A and B are documents (any format portolan reads) or datasets written by extract (ports.json, ports.csv, or a folder holding ports.json), one document on each side.\n\nExit codes: 0 the comparison was made (whatever it found); 1 usage error, unreadable input or output error."
)]
pub struct Args {
    /// One language version: a document or a dataset.
    a: PathBuf,
    /// The other language version.
    b: PathBuf,
    /// Write the report as JSON to this file (the Markdown report still goes to stdout unless
    /// --md names a file).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the Markdown report to this file instead of stdout.
    #[arg(long)]
    md: Option<PathBuf>,
}

fn one_document(d: &dataset::Dataset) -> Result<()> {
    if let Some(f) = d.failed.first() {
        bail!(
            "{}: {}",
            f.document,
            f.error.as_deref().unwrap_or("could not be read")
        );
    }
    let mut docs: Vec<&str> = d.records.iter().map(|r| r.document.as_str()).collect();
    docs.sort();
    docs.dedup();
    if docs.len() > 1 {
        bail!(
            "{}: holds {} documents; xlang compares one document with one document",
            d.source,
            docs.len()
        );
    }
    Ok(())
}

pub fn run(a: Args) -> Result<i32> {
    let pool = pdf_pool()?;
    let da = dataset::load(&a.a, Some(&pool)).context("reading A")?;
    let db = dataset::load(&a.b, Some(&pool)).context("reading B")?;
    one_document(&da)?;
    one_document(&db)?;
    let rep = xlang::compare(&da.records, &db.records);
    let text = xlang::render_markdown(&rep);
    if let Some(p) = &a.json {
        let mut v = serde_json::to_vec_pretty(&rep).context("serializing the report")?;
        v.push(b'\n');
        emit::write_atomic(p, &v)?;
    }
    match &a.md {
        Some(p) => emit::write_atomic(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(EXIT_OK)
}
