//! Argument parsing and exit codes. One module per subcommand.

mod blocks;
mod diff;
mod extract;
mod rules;
mod xlang;

use clap::{Parser, Subcommand};

/// Exit codes (also in `--help` and the README).
pub const EXIT_OK: i32 = 0;
pub const EXIT_USAGE_OR_OUTPUT: i32 = 1;
pub const EXIT_SOME_FAILED: i32 = 2;

#[derive(Parser)]
#[command(
    name = "portolan",
    version,
    about = "Turn vendor port-utilization chapters into one canonical port dataset",
    after_help = "Exit codes:\n  0  every document was processed\n  1  usage error, or the outputs could not be written\n  2  the run finished but some documents failed (they are listed in report.json / report.md)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract every port the documents mention into ports.csv, ports.json and a run report.
    Extract(extract::Args),
    /// Show the document model a file decodes into: headings, captions, paragraphs, notes and
    /// table grids with their pages (to see what portolan read from a document).
    Blocks(blocks::Args),
    /// What changed in the ports between two releases of the docs (datasets or documents), as
    /// Markdown, JSON and HTML reports; --fail-on sets the exit code for CI.
    Diff(diff::Args),
    /// The firewall request for a dataset: one rule per connection and port, with the rows it
    /// comes from, as CSV, Markdown, nftables, iptables-restore input, an AWS security group or
    /// an Azure NSG.
    Rules(rules::Args),
    /// Compare two language versions of one document: rows present in one and missing in the
    /// other, and rows whose port, transport, side or direction differ.
    Xlang(xlang::Args),
    /// Internal: decode documents sent on stdin (used by extract for PDF isolation).
    #[command(hide = true)]
    Worker {
        #[arg(long, default_value_t = 0)]
        memory_mib: u64,
    },
}

/// A subcommand's exit code, or its error on stderr and exit code 1.
fn report(r: anyhow::Result<i32>) -> i32 {
    r.unwrap_or_else(|e| {
        eprintln!("portolan: {e:#}");
        EXIT_USAGE_OR_OUTPUT
    })
}

/// The pool of PDF worker processes (this executable, `portolan worker`) with default limits.
pub(crate) fn pdf_pool() -> anyhow::Result<portolan::isolate::Pool> {
    pdf_pool_with(budgeted(portolan::isolate::Limits::default(), 0))
}

/// The share of the machine's memory that a run's PDF workers may take together, by default.
const DEFAULT_BUDGET_SHARE: (u64, u64) = (3, 4);

/// `limits` with as many workers as there are threads to feed them (`limits.threads`, else one
/// per core), fitted into `budget_mib` (0: [`DEFAULT_BUDGET_SHARE`] of the machine's memory).
pub(crate) fn budgeted(
    mut limits: portolan::isolate::Limits,
    budget_mib: u64,
) -> portolan::isolate::Limits {
    let wanted = limits.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let budget = if budget_mib > 0 {
        budget_mib
    } else {
        portolan::isolate::machine_mib() * DEFAULT_BUDGET_SHARE.0 / DEFAULT_BUDGET_SHARE.1
    };
    let (workers, each) = portolan::isolate::plan_memory(wanted, limits.memory_mib, budget);
    limits.workers = workers;
    limits.memory_mib = each;
    limits
}

pub(crate) fn pdf_pool_with(
    limits: portolan::isolate::Limits,
) -> anyhow::Result<portolan::isolate::Pool> {
    use anyhow::Context;
    let exe = std::env::current_exe().context("finding the portolan executable")?;
    Ok(portolan::isolate::Pool::new(
        exe,
        vec!["worker".into()],
        limits,
    ))
}

/// The stack of each worker thread. Every reader bounds its recursion, so this is a margin,
/// not a requirement: virtual memory, committed only where used.
pub(crate) const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The threads documents are read on: `threads` of them (default: one per core), each with a
/// [`THREAD_STACK_BYTES`] stack.
pub(crate) fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    use anyhow::Context;
    let mut b = rayon::ThreadPoolBuilder::new().stack_size(THREAD_STACK_BYTES);
    if let Some(n) = threads {
        b = b.num_threads(n.max(1));
    }
    b.build().context("starting worker threads")
}

pub fn run() -> i32 {
    // a document over its time budget is reported as its error, not as a panic on stderr
    portolan::budget::quiet_expiry_hook();
    // the global pool (diff and xlang on documents) gets the same stacks as extract's
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(THREAD_STACK_BYTES)
        .build_global();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_USAGE_OR_OUTPUT
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Extract(a) => report(extract::run(a)),
        Command::Blocks(a) => report(blocks::run(a)),
        Command::Xlang(a) => report(xlang::run(a)),
        Command::Diff(a) => report(diff::run(a)),
        Command::Rules(a) => report(rules::run(a)),
        Command::Worker { memory_mib } => {
            portolan::isolate::watch_parent();
            portolan::isolate::limit_memory(memory_mib);
            match portolan::isolate::serve() {
                Ok(()) => EXIT_OK,
                Err(e) => {
                    eprintln!("portolan worker: {e}");
                    EXIT_USAGE_OR_OUTPUT
                }
            }
        }
    }
}

/// `--product`, `--vendor`, `--release`, `--language`: which records to keep.
#[derive(clap::Args, Debug, Clone, Default)]
pub(crate) struct FilterArgs {
    /// Keep only the records of this product (case and spaces ignored).
    #[arg(long)]
    product: Option<String>,
    /// Keep only the records of this vendor.
    #[arg(long)]
    vendor: Option<String>,
    /// Keep only the records of this release.
    #[arg(long)]
    release: Option<String>,
    /// Keep only the records in this language (BCP 47; `zh` keeps zh-Hans and zh-Hant).
    #[arg(long)]
    language: Option<String>,
}

impl FilterArgs {
    pub(crate) fn filter(&self) -> portolan::record::RecordFilter {
        portolan::record::RecordFilter {
            product: self.product.clone(),
            vendor: self.vendor.clone(),
            release: self.release.clone(),
            language: self.language.clone(),
        }
    }
}
