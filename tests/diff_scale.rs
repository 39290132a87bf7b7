//! `diff` at scale: tens of thousands of synthetic records, as a large vendor dataset has, give
//! exactly the changes that were made (the passes were `n²` once: 8,000 records against an empty
//! dataset took minutes). No timing is asserted; `benches/diff.rs` measures.

#[path = "common/dataset.rs"]
mod dataset;

use dataset::{edits, release};
use portolan::diff::{diff, render_markdown, Diff, Fields, Kind};
use portolan::emit::write_csv;

const ENTRIES: usize = 20_000;

fn summary(d: &Diff) -> [usize; 5] {
    let s = &d.summary;
    [s.added, s.removed, s.changed, s.renamed, s.unchanged]
}

#[test]
fn entries_against_nothing_are_all_added_or_all_removed() {
    let records = release(ENTRIES, None);
    assert_eq!(records.len(), 24_000);
    let d = diff(&[], &records, "empty", "new", Fields::Semantic);
    assert_eq!(summary(&d), [ENTRIES, 0, 0, 0, 0]);
    assert_eq!((d.new.records, d.new.entries), (24_000, ENTRIES));
    // in canonical order: by product, then by place
    let first = d.changes[0].new.as_ref().unwrap();
    assert_eq!(
        (first.listener.as_str(), first.transports.len()),
        ("Service 0", 2)
    );
    assert!(d.changes.windows(2).all(|w| {
        let (a, b) = (w[0].new.as_ref().unwrap(), w[1].new.as_ref().unwrap());
        (&a.product, &a.document) <= (&b.product, &b.document)
    }));
    let d = diff(&records, &[], "old", "empty", Fields::Semantic);
    assert_eq!(summary(&d), [0, ENTRIES, 0, 0, 0]);
    assert!(render_markdown(&d).contains(&format!("## Removed ({ENTRIES})")));
}

#[test]
fn identical_releases_are_no_change_in_any_order() {
    let old = release(ENTRIES, None);
    let mut new = old.clone();
    new.reverse();
    for fields in [Fields::Semantic, Fields::All] {
        let d = diff(&old, &new, "old", "new", fields);
        assert_eq!(summary(&d), [0, 0, 0, 0, ENTRIES]);
    }
}

#[test]
fn every_edit_is_found_and_nothing_else() {
    let every = 100;
    let (old, new) = (release(ENTRIES, None), release(ENTRIES, Some(every)));
    let [renumbered, renamed, grown, turned, removed, added] = edits(ENTRIES, every);
    let d = diff(&old, &new, "old", "new", Fields::Semantic);
    let changed = renumbered + grown + turned;
    assert_eq!(
        summary(&d),
        [
            added,
            removed,
            changed,
            renamed,
            ENTRIES - removed - changed - renamed
        ]
    );
    let fields = |k: &str| {
        d.changes
            .iter()
            .filter(|c| c.kind == Kind::Changed && c.fields.iter().any(|f| f.field == k))
            .count()
    };
    assert_eq!(fields("port"), renumbered + grown);
    assert_eq!(fields("direction"), turned);
    for c in d.changes.iter().filter(|c| c.kind == Kind::Renamed) {
        let (a, b) = (c.old.as_ref().unwrap(), c.new.as_ref().unwrap());
        assert_eq!(format!("{} (renamed)", a.listener), b.listener);
    }
    assert!(d
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Added)
        .all(|c| c.listener.starts_with("Added ")));
}

#[test]
fn a_release_read_back_from_csv_diffs_as_the_records_do() {
    // the dataset file does not hold the table positions: the reader numbers the tables again
    let (old, new) = (release(ENTRIES, None), release(ENTRIES, Some(50)));
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("old.csv"), dir.path().join("new.csv"));
    write_csv(std::fs::File::create(&a).unwrap(), &old).unwrap();
    write_csv(std::fs::File::create(&b).unwrap(), &new).unwrap();
    let read = |p: &std::path::Path| portolan::dataset::load(p, None).unwrap().records;
    let direct = diff(&old, &new, "old", "new", Fields::Semantic);
    let from_files = diff(&read(&a), &read(&b), "old", "new", Fields::Semantic);
    assert_eq!(summary(&direct), summary(&from_files));
    assert_eq!(render_markdown(&direct), render_markdown(&from_files));
}
