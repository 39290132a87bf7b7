//! `cargo bench --bench lang` (or `just bench-lang`): language detection as portolan does it
//! (script first, lingua for the six Latin-script languages), on the text samples it really
//! detects: a document's first 20 KB and a table's first 4 KB, from every language fixture.
//! Prints detections/s for each kind of sample, the time of the first detection (lingua loads
//! its models then), peak memory (VmHWM) and the size of the release binary if it is built.

use portolan::discover::{discover, Input};
use portolan::lang;
use std::path::PathBuf;
use std::time::Instant;

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let before = vm_hwm_kib();
    let inputs: Vec<Input> = discover(
        &[
            root.join("fixtures/languages"),
            root.join("fixtures/seeds"),
            root.join("fixtures/corpus"),
        ],
        &[],
    )
    .inputs;
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut tables: Vec<String> = Vec::new();
    for i in &inputs {
        let bytes = std::fs::read(&i.path).unwrap();
        let format = portolan::discover::format_of(&i.path).unwrap();
        let format = portolan::discover::sniff_text(format, &bytes);
        let Ok(doc) = portolan::decode::decode(&bytes, format) else {
            continue;
        };
        docs.push((i.document.clone(), doc.text_sample(20_000)));
        for t in portolan::structure::collect_tables(&doc, &portolan::understand::Grammar) {
            tables.push(t.text_sample(4096));
        }
    }
    let t0 = Instant::now();
    let first = lang::detect(&docs[0].1);
    let first_ms = t0.elapsed().as_secs_f64() * 1000.0;
    println!(
        "first detection (models load): {first_ms:.1} ms ({} -> {first})",
        docs[0].0
    );
    for (name, samples) in [
        (
            "document samples (20 KB)",
            docs.iter().map(|d| d.1.clone()).collect::<Vec<_>>(),
        ),
        ("table samples (4 KB)", tables.clone()),
    ] {
        let bytes: usize = samples.iter().map(String::len).sum();
        let rounds = 20;
        let t = Instant::now();
        let mut n = 0usize;
        for _ in 0..rounds {
            for s in &samples {
                std::hint::black_box(lang::detect(s));
                n += 1;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{name}: {} samples, {:.1} KB on average: {:.0} detections/s, {:.1} µs each",
            samples.len(),
            bytes as f64 / samples.len() as f64 / 1024.0,
            n as f64 / secs,
            secs * 1e6 / n as f64
        );
    }
    println!("detected:");
    for (d, s) in &docs {
        println!("  {d}: {}", lang::detect(s));
    }
    println!(
        "peak memory: {:.1} MiB (before reading and detecting: {:.1} MiB)",
        vm_hwm_kib() as f64 / 1024.0,
        before as f64 / 1024.0
    );
    let bin = root.join("target/release/portolan");
    match std::fs::metadata(&bin) {
        Ok(m) => println!("release binary: {:.1} MB", m.len() as f64 / 1e6),
        Err(_) => println!("release binary: not built (cargo build --release)"),
    }
}
