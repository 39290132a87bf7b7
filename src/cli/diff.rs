//! `portolan diff OLD NEW`: what changed in the ports between two releases of the docs.

use super::{pdf_pool, EXIT_OK};
use anyhow::{bail, Context, Result};
use portolan::diff::{self, Fields, Kind};
use portolan::{dataset, emit};
use std::path::PathBuf;

/// Some documents of OLD or NEW could not be read: the diff is incomplete.
pub const EXIT_INCOMPLETE: i32 = 2;
/// Changes of a kind named by --fail-on were found.
pub const EXIT_CHANGES: i32 = 3;

#[derive(clap::Args)]
#[command(
    after_help = "OLD and NEW are each a dataset written by extract (ports.json, ports.csv, or a folder holding ports.json) or documents (a file or a folder, extracted now).

Exit codes:
  0  the diff was made, and no change of a kind named by --fail-on was found
  1  usage error, an input that cannot be read, or an output that cannot be written
  2  some documents of OLD or NEW could not be extracted: the diff is incomplete (they are listed on stderr)
  3  changes of a kind named by --fail-on were found"
)]
pub struct Args {
    /// The old release: a dataset or documents.
    old: PathBuf,
    /// The new release: a dataset or documents.
    new: PathBuf,
    /// Write the Markdown report (for a pull-request comment) to this file instead of stdout.
    #[arg(long)]
    md: Option<PathBuf>,
    /// Write the JSON report (schema/diff.schema.json) to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Write the HTML report (one self-contained page) to this file.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Exit with code 3 when changes of these kinds are found: a comma-separated list of
    /// added, removed, changed, renamed.
    #[arg(long, value_delimiter = ',')]
    fail_on: Vec<String>,
    /// Do not print the Markdown report on stdout (when --md is not given).
    #[arg(long, short)]
    quiet: bool,
    /// Compare only these records, on both sides.
    #[command(flatten)]
    filter: super::FilterArgs,
}

pub fn run(a: Args) -> Result<i32> {
    let mut fail_on = Vec::new();
    for k in &a.fail_on {
        match Kind::parse(k) {
            Some(k) => fail_on.push(k),
            None => bail!("--fail-on: unknown kind {k:?} (added, removed, changed, renamed)"),
        }
    }
    let pool = pdf_pool()?;
    let mut old = dataset::load(&a.old, Some(&pool)).context("reading OLD")?;
    let mut new = dataset::load(&a.new, Some(&pool)).context("reading NEW")?;
    let filter = a.filter.filter();
    filter.apply(&mut old.records);
    filter.apply(&mut new.records);
    let d = diff::diff(
        &old.records,
        &new.records,
        &old.source,
        &new.source,
        Fields::Semantic,
    );
    let text = diff::render_markdown(&d);
    if let Some(p) = &a.json {
        emit::write_atomic(p, &diff::render_json(&d))?;
    }
    if let Some(p) = &a.html {
        emit::write_atomic(p, diff::render_html(&d).as_bytes())?;
    }
    match &a.md {
        Some(p) => emit::write_atomic(p, text.as_bytes())?,
        None if !a.quiet => print!("{text}"),
        None => {}
    }
    let failed: Vec<_> = old.failed.iter().chain(&new.failed).collect();
    for f in &failed {
        eprintln!(
            "portolan: {}: {}",
            f.path,
            f.error.as_deref().unwrap_or("could not be read")
        );
    }
    Ok(if !failed.is_empty() {
        EXIT_INCOMPLETE
    } else if fail_on.iter().any(|k| d.count(*k) > 0) {
        EXIT_CHANGES
    } else {
        EXIT_OK
    })
}
