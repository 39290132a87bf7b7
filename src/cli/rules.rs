//! `portolan rules DATASET`: the firewall request for a dataset (or documents read now).

use super::{pdf_pool, EXIT_OK};
use anyhow::{Context, Result};
use portolan::rules::{self, Filter};
use portolan::{dataset, emit};
use std::io::Write;
use std::path::PathBuf;

/// Some documents could not be extracted: the request is incomplete.
pub const EXIT_INCOMPLETE: i32 = 2;

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    /// One line per rule, and the records that need a decision (formulas neutralized).
    Csv,
    /// A Markdown firewall request, for a ticket or a pull request.
    Md,
    /// An nftables script (`nft -f`), with an empty address set per party to fill in.
    Nftables,
    /// iptables-restore input for the filter table (multiport).
    Iptables,
    /// An AWS security group's IpPermissions and IpPermissionsEgress (JSON).
    AwsSg,
    /// An Azure network security group's securityRules (JSON, ARM template form).
    AzureNsg,
}

#[derive(clap::Args)]
#[command(
    after_help = "DATASET is a dataset written by extract (ports.json, ports.csv, or a folder holding ports.json) or documents (a file or a folder, extracted now).

A rule is one connection (way, source, destination, transport, port range), merged across rows and tables, with the document rows it comes from. Records whose transport or side the document does not say are never turned into rules: they are listed as needing a decision.

Exit codes:
  0  the request was written
  1  usage error, an input that cannot be read, or an output that cannot be written
  2  some documents could not be extracted: the request is incomplete (they are listed on stderr)"
)]
pub struct Args {
    /// The dataset, or documents.
    dataset: PathBuf,
    #[command(flatten)]
    filter: super::FilterArgs,
    /// Only rules whose source or destination names this party (part of the name is enough).
    #[arg(long)]
    host: Option<String>,
    /// Only records of ports on this side.
    #[arg(long, value_parser = ["local", "remote"])]
    side: Option<String>,
    /// What to write.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte-order mark (Excel then reads non-Latin text right).
    #[arg(long)]
    bom: bool,
    /// Leave CSV cells that a spreadsheet would run as formulas (leading = + - @) as they are.
    #[arg(long)]
    no_neutralize: bool,
}

pub fn run(a: Args) -> Result<i32> {
    let pool = pdf_pool()?;
    let d = dataset::load(&a.dataset, Some(&pool)).context("reading DATASET")?;
    let filter = Filter {
        records: a.filter.filter(),
        host: a.host.clone(),
        side: a.side.clone(),
    };
    let (rules, undecided) = rules::rules(&d.records, &filter);
    let title = d.source.clone();
    let bytes = match a.format {
        Format::Csv => rules::to_csv(
            &rules,
            &undecided,
            emit::CsvStyle {
                bom: a.bom,
                neutralize: !a.no_neutralize,
            },
        ),
        Format::Md => rules::to_markdown(&rules, &undecided, &title).into_bytes(),
        Format::Nftables => rules::to_nftables(&rules, &undecided, &title).into_bytes(),
        Format::Iptables => rules::to_iptables(&rules, &undecided, &title).into_bytes(),
        Format::AwsSg => rules::to_aws_sg(&rules, &undecided).into_bytes(),
        Format::AzureNsg => rules::to_azure_nsg(&rules, &undecided).into_bytes(),
    };
    match &a.output {
        Some(p) => emit::write_atomic(p, &bytes)?,
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .context("writing to stdout")?,
    }
    for f in &d.failed {
        eprintln!(
            "portolan: {}: {}",
            f.path,
            f.error.as_deref().unwrap_or("could not be read")
        );
    }
    Ok(if d.failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_INCOMPLETE
    })
}
