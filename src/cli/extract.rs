//! `portolan extract [PATH]... --out DIR`

use super::{EXIT_OK, EXIT_SOME_FAILED};
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use portolan::isolate::Limits;
use portolan::{discover, emit, extract_within};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Exit codes: 0 all documents processed; 1 usage or output error; 2 the run finished but some documents failed or some folders could not be read (listed in the report)."
)]
pub struct Args {
    /// Files and folders to read (folders recursively, skipping hidden and VCS folders).
    /// Without any, the bundled fixtures/ folder.
    paths: Vec<PathBuf>,
    /// Folder to write ports.csv, ports.json, report.json and report.md into.
    #[arg(long, short, default_value = "out")]
    out: PathBuf,
    /// Worker threads (default: one per core). The output is the same for any value.
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Also write the dataset as one SQLite file (tables records, documents, tables; views
    /// rules and undecided), atomically.
    #[arg(long, value_name = "FILE")]
    sqlite: Option<PathBuf>,
    #[command(flatten)]
    filter: super::FilterArgs,
    /// Start ports.csv with a UTF-8 byte-order mark (Excel then reads Japanese right).
    #[arg(long)]
    csv_bom: bool,
    /// Give ports.csv cells that a spreadsheet would run as formulas (leading = + - @, tab, CR)
    /// a leading ' (portolan then reads them back with the ').
    #[arg(long)]
    csv_neutralize: bool,
    /// Time limit for one document that is not a PDF, in seconds; a document that takes longer
    /// fails (listed in the report) and the run goes on.
    #[arg(long, default_value_t = portolan::budget::DEFAULT_DOCUMENT_SECONDS)]
    timeout: u64,
    /// Time limit for one PDF, in seconds (PDFs are read in worker processes).
    #[arg(long, default_value_t = portolan::isolate::DEFAULT_TIMEOUT_SECONDS)]
    pdf_timeout: u64,
    /// CPU-time limit for one PDF, all the threads of its worker together, in seconds (0: none).
    #[arg(long, default_value_t = portolan::isolate::DEFAULT_CPU_SECONDS)]
    pdf_cpu_seconds: u64,
    /// Memory (address space) limit of a PDF worker process, in MiB.
    #[arg(long, default_value_t = portolan::isolate::DEFAULT_WORKER_MIB)]
    pdf_memory_mib: u64,
    /// Memory all PDF workers of the run may take together, in MiB (default: three quarters of
    /// the machine's). Workers get an equal share when -j of them would pass it (1024 MiB at
    /// least each), and fewer run at once when even that does not fit.
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    memory_budget_mib: u64,
    /// Print peak memory (VmHWM) and timing to stderr when done (for benchmarks).
    #[arg(long, hide = true)]
    stats: bool,
}

fn bundled_fixtures() -> PathBuf {
    let here = PathBuf::from("fixtures");
    if here.is_dir() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn run(a: Args) -> Result<i32> {
    let started = std::time::Instant::now();
    let paths = if a.paths.is_empty() {
        vec![bundled_fixtures()]
    } else {
        a.paths.clone()
    };
    for p in &paths {
        if !p.exists() {
            bail!("{}: no such file or folder", p.display());
        }
    }
    // the output folder is never read as input, even inside an input folder
    let found = discover::discover(&paths, std::slice::from_ref(&a.out));
    let inputs = found.inputs;
    if inputs.is_empty() {
        let why = if found.problems.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = found
                .problems
                .iter()
                .map(|p| format!("{}: {}", p.path, p.problem))
                .collect();
            format!(" ({})", list.join("; "))
        };
        bail!(
            "no documents found under {}{why}; portolan reads {}. Nothing was written, {} is left as it was",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            discover::KNOWN_EXTENSIONS,
            a.out.display()
        );
    }
    let show = !a.quiet && std::io::stderr().is_terminal();
    let bar = if show {
        let b = ProgressBar::new(inputs.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let tick = || bar.inc(1);
    let limits = super::budgeted(
        Limits {
            timeout: std::time::Duration::from_secs(a.pdf_timeout.max(1)),
            cpu_seconds: a.pdf_cpu_seconds,
            memory_mib: a.pdf_memory_mib,
            workers: usize::MAX,
            // -j N: N workers at most, each laying out pages on N threads at most
            threads: a.threads,
        },
        a.memory_budget_mib,
    );
    let pool = super::pdf_pool_with(limits)?;
    let limit = std::time::Duration::from_secs(a.timeout.max(1));
    let mut x = super::thread_pool(a.threads)?
        .install(|| extract_within(&inputs, &tick, Some(&pool), limit));
    let worker_kib = pool.peak_worker_kib();
    drop(pool);
    bar.finish_and_clear();
    x.problems = found.problems;
    a.filter.filter().apply(&mut x.records);
    let style = emit::CsvStyle {
        bom: a.csv_bom,
        neutralize: a.csv_neutralize,
    };
    emit::write_outputs_styled(&a.out, &x, style).context("writing the outputs")?;
    if let Some(path) = &a.sqlite {
        let bytes = emit::sqlite::to_sqlite(&x).context("building the SQLite dataset")?;
        emit::write_atomic(path, &bytes).context("writing the SQLite dataset")?;
    }
    let failed = x.failed() + x.unreadable_paths();
    if !a.quiet {
        let not_read = if x.problems.is_empty() {
            String::new()
        } else {
            format!(", {} paths not read (see the report)", x.problems.len())
        };
        eprintln!(
            "portolan: {} documents ({} failed){not_read}, {} records -> {}",
            x.reports.len(),
            x.failed(),
            x.records.len(),
            a.out.display()
        );
    }
    if a.stats {
        let bytes: u64 = inputs
            .iter()
            .filter_map(|i| std::fs::metadata(&i.path).ok())
            .map(|m| m.len())
            .sum();
        eprintln!(
            "stats: documents={} bytes={} records={} seconds={:.4} peak_rss_kib={} worker_peak_rss_kib={} pdf_workers={} pdf_worker_mib={}",
            inputs.len(),
            bytes,
            x.records.len(),
            started.elapsed().as_secs_f64(),
            peak_rss_kib().unwrap_or(0),
            worker_kib,
            limits.workers,
            limits.memory_mib
        );
    }
    Ok(if failed > 0 {
        EXIT_SOME_FAILED
    } else {
        EXIT_OK
    })
}
