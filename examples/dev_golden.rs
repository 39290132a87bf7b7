//! Regenerates `golden/corpus-dev/<doc>.csv` and `.json`: each document of
//! `fixtures/corpus-dev/` extracted on its own (as the golden test does), corrected to its
//! independent truth (`tests/data/corpus-dev/truth.csv`). See `tests/common/dev.rs`.
//!
//!     cargo run --release --example dev_golden
//!
//! `cargo test --test corpus_dev` checks that the golden files agree with the truth.

#[path = "../tests/common/mod.rs"]
mod common;

use common::dev;
use portolan::emit::{to_csv, to_json};

fn main() -> std::io::Result<()> {
    let truth = dev::truth();
    let outputs = dev::extract_all();
    let dir = dev::root().join(dev::GOLDEN);
    std::fs::create_dir_all(&dir)?;
    let empty = Vec::new();
    for (doc, x) in &outputs {
        let t = truth.get(doc).unwrap_or(&empty);
        let records = dev::golden(doc, x, t);
        let added = records
            .iter()
            .filter(|r| r.notes == dev::ADDED_NOTE)
            .count();
        std::fs::write(dir.join(format!("{doc}.csv")), to_csv(&records))?;
        std::fs::write(dir.join(format!("{doc}.json")), to_json(&records))?;
        println!(
            "{doc}: {} extracted, {} in golden ({} kept, {added} added from truth)",
            x.records.len(),
            records.len(),
            records.len() - added
        );
    }
    let (total, _) = dev::report(&truth, &dev::pred_rows(&outputs));
    println!("current output vs truth: {}", total.line());
    Ok(())
}
