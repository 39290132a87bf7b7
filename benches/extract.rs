//! `cargo bench --bench extract` (or `just bench`): extracts a generated corpus built from the
//! fixtures, single-threaded and on all cores, and reports documents/s, MB/s and peak memory
//! (VmHWM of the `portolan` process). It then doubles the corpus to show that peak memory grows
//! with the records only, not with the number of documents.
//!
//! Environment: `BENCH_DOCS` (default 2000) documents in the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixtures(&p, out);
        } else if !p.to_string_lossy().ends_with(".meta.toml") {
            out.push(p);
        }
    }
}

/// Writes `n` documents: the fixtures (those whose name ends with `only`, if given) in turn,
/// each made distinct by a trailing paragraph.
fn build_corpus(root: &Path, n: usize, only: Option<&str>) -> PathBuf {
    let dir = root.join(format!(
        "corpus-{}{n}",
        only.map(|o| format!("{}-", o.trim_start_matches('.')))
            .unwrap_or_default()
    ));
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut src = Vec::new();
    fixtures(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut src,
    );
    if let Some(ext) = only {
        src.retain(|p| p.to_string_lossy().ends_with(ext));
    }
    for i in 0..n {
        let f = &src[i % src.len()];
        let sub = dir.join(format!("{:03}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let name = f.file_name().unwrap().to_string_lossy();
        let mut bytes = std::fs::read(f).unwrap();
        // UTF-16 and legacy encodings stay as they are; UTF-8 documents get a distinct tail
        if std::str::from_utf8(&bytes).is_ok() {
            bytes.extend_from_slice(
                format!("\n\nGenerated copy {i} for the benchmark.\n").as_bytes(),
            );
        }
        std::fs::write(sub.join(format!("{i:05}-{name}")), bytes).unwrap();
    }
    std::fs::write(dir.join(".complete"), b"").unwrap();
    dir
}

struct Stats {
    documents: u64,
    bytes: u64,
    records: u64,
    seconds: f64,
    peak_kib: u64,
}

fn run(corpus: &Path, threads: Option<usize>) -> Stats {
    let out = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portolan"));
    cmd.arg("extract")
        .arg(corpus)
        .arg("--out")
        .arg(out.path())
        .arg("--quiet")
        .arg("--stats");
    if let Some(t) = threads {
        cmd.arg("-j").arg(t.to_string());
    }
    let o = cmd.output().expect("portolan runs");
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("stats:"))
        .unwrap_or_else(|| panic!("no stats in {err}"));
    let get = |k: &str| -> String {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")).map(str::to_string))
            .unwrap()
    };
    Stats {
        documents: get("documents").parse().unwrap(),
        bytes: get("bytes").parse().unwrap(),
        records: get("records").parse().unwrap(),
        seconds: get("seconds").parse().unwrap(),
        peak_kib: get("peak_rss_kib").parse().unwrap(),
    }
}

fn best_of(corpus: &Path, threads: Option<usize>, runs: usize) -> Stats {
    let mut best: Option<Stats> = None;
    for _ in 0..runs {
        let s = run(corpus, threads);
        if best.as_ref().is_none_or(|b| s.seconds < b.seconds) {
            best = Some(s);
        }
    }
    best.unwrap()
}

fn report(label: &str, s: &Stats) {
    println!(
        "{label:<28} {:>6} docs {:>8.2} MB {:>7} records {:>8.3} s {:>9.0} docs/s {:>7.2} MB/s  peak {:>6.1} MiB",
        s.documents,
        s.bytes as f64 / 1e6,
        s.records,
        s.seconds,
        s.documents as f64 / s.seconds,
        s.bytes as f64 / 1e6 / s.seconds,
        s.peak_kib as f64 / 1024.0
    );
}

fn main() {
    // `cargo test --benches` runs this too: keep that quick
    if std::env::args().any(|a| a == "--test") || std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let cores = std::thread::available_parallelism()
        .map(|c| c.get())
        .unwrap_or(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus");
    let small = build_corpus(&root, n, None);
    let large = build_corpus(&root, n * 2, None);
    let html = build_corpus(&root, n, Some(".html"));
    println!("portolan extract benchmark ({cores} cores; best of 3 runs)");
    report("all formats, 1 thread", &best_of(&small, Some(1), 3));
    report(
        &format!("all formats, {cores} threads"),
        &best_of(&small, None, 3),
    );
    report("all formats, 2x documents", &best_of(&large, None, 3));
    report("HTML only, 1 thread", &best_of(&html, Some(1), 3));
    report(
        &format!("HTML only, {cores} threads"),
        &best_of(&html, None, 3),
    );
}
