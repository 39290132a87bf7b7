//! `cargo bench --bench diff`: `portolan diff` on synthetic releases of 10k, 100k and 1M
//! records (tests/common/dataset.rs: one entry in a hundred renumbered, renamed, grown, turned,
//! removed or added), against an empty release, against itself and against the edited release,
//! next to GNU `diff` on the same two CSV files (what a user would run instead: a line diff,
//! which knows nothing of ports). Reports wall time and peak memory (ru_maxrss) of each
//! process, and the ratio.
//!
//! Environment: `BENCH_DIFF_RECORDS` (default `10000,100000,1000000`). The files of the last
//! size stay in `target/bench-diff`.

#[path = "../tests/common/dataset.rs"]
mod dataset;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

struct Run {
    seconds: f64,
    peak_mib: f64,
}

/// Runs `cmd` to the end, its output discarded; wall time and peak memory.
#[allow(clippy::zombie_processes)] // wait4 reaps it
fn measure(mut cmd: Command) -> Run {
    let t = Instant::now();
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("runs");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, with valid pointers to locals
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4");
    Run {
        seconds: t.elapsed().as_secs_f64(),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

fn portolan_diff(a: &Path, b: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_portolan"));
    c.arg("diff").arg(a).arg(b).arg("-q").arg("--json").arg(out);
    c
}

fn gnu_diff(a: &Path, b: &Path) -> Command {
    let mut c = Command::new("diff");
    c.arg(a).arg(b);
    c
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let sizes: Vec<usize> = std::env::var("BENCH_DIFF_RECORDS")
        .unwrap_or_else(|_| "10000,100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("a number of records"))
        .collect();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-diff");
    std::fs::create_dir_all(&dir).unwrap();
    let at = |n: &str| dir.join(n);
    let write = |p: &Path, records: &[portolan::record::PortRecord]| {
        portolan::emit::write_csv(std::fs::File::create(p).unwrap(), records).unwrap()
    };
    write(&at("empty.csv"), &[]);
    println!("portolan diff benchmark (wall time, peak memory; GNU diff on the same CSV files)");
    println!(
        "{:<24} {:>9} {:>9} {:>10} {:>9} {:>9} {:>8}",
        "case", "records", "portolan", "peak", "diff", "peak", "ratio"
    );
    for n in sizes {
        let entries = n * 5 / 6;
        let old = dataset::release(entries, None);
        let new = dataset::release(entries, Some(100));
        write(&at("old.csv"), &old);
        write(&at("same.csv"), &old);
        write(&at("new.csv"), &new);
        for (case, a, b) in [
            ("against an empty one", "empty.csv", "old.csv"),
            ("against itself", "old.csv", "same.csv"),
            ("1% edited", "old.csv", "new.csv"),
        ] {
            let (a, b) = (at(a), at(b));
            let p = measure(portolan_diff(&a, &b, &at("diff.json")));
            let g = measure(gnu_diff(&a, &b));
            println!(
                "{case:<24} {:>9} {:>8.2}s {:>6.0} MiB {:>8.2}s {:>5.0} MiB {:>7.1}x",
                old.len(),
                p.seconds,
                p.peak_mib,
                g.seconds,
                g.peak_mib,
                p.seconds / g.seconds
            );
        }
    }
}
