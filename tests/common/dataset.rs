//! Synthetic datasets for `diff` at scale (tests/diff_scale.rs and benches/diff.rs): as many
//! records as a large vendor dataset has, with known changes between two releases.

#![allow(dead_code)] // each user takes what it needs

use portolan::record::PortRecord;

/// The changes [`release`] makes, one kind after the other, to every `every`-th entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The port moves to another number (60000 and up, where no other port is).
    Renumbered,
    /// The listener text changes; the port stays.
    Renamed,
    /// The range grows by five ports.
    Grown,
    /// Inbound becomes outbound.
    Turned,
    /// The row is gone.
    Removed,
    /// A row with a new listener follows it (on 65000 and up).
    Added,
}

pub const EDITS: [Edit; 6] = [
    Edit::Renumbered,
    Edit::Renamed,
    Edit::Grown,
    Edit::Turned,
    Edit::Removed,
    Edit::Added,
];

/// The edit of entry `i`, when `every` is given.
pub fn edit_of(i: usize, every: Option<usize>) -> Option<Edit> {
    let every = every?;
    i.is_multiple_of(every)
        .then(|| EDITS[(i / every) % EDITS.len()])
}

/// A release of `entries` entries (1.2 records each) in canonical order: products of 4,000
/// entries, documents of 400, tables of 50 rows; every fifth row names its port for TCP and UDP (two records, one
/// entry); one in ten ports is a range. Listeners are all distinct, and within a product so are
/// the ports. With `every`, entry `i` is edited by [`edit_of`].
pub fn release(entries: usize, every: Option<usize>) -> Vec<PortRecord> {
    let mut out = Vec::with_capacity(entries * 6 / 5 + 1);
    for i in 0..entries {
        let start = 1 + (i * 7919 % 59_000) as u16;
        let mut r = PortRecord {
            id: format!("{i:016x}"),
            vendor: "Acme".into(),
            product: format!("Product {}", i / 4000),
            release: "1".into(),
            language: "en".into(),
            document: format!("doc{}.md", i / 400),
            format: "md".into(),
            table: format!("Table {}", i / 50),
            section: format!("Section {}", i / 50),
            row: (i % 50) as u32 + 1,
            listener: format!("Service {i}"),
            transport: "tcp".into(),
            port_start: start,
            port_end: if i % 10 == 3 { start + 20 } else { start },
            port_side: "local".into(),
            direction: "inbound".into(),
            notes: format!("Note {}", i % 97),
            origin: "table".into(),
            confidence: 0.9,
            raw: format!("Service {i} {start}"),
            ..Default::default()
        };
        let edit = edit_of(i, every);
        match edit {
            Some(Edit::Renumbered) => {
                r.port_start = 60_000 + (i % 4000) as u16;
                r.port_end = r.port_start;
            }
            Some(Edit::Renamed) => r.listener = format!("Service {i} (renamed)"),
            Some(Edit::Grown) => r.port_end += 5,
            Some(Edit::Turned) => r.direction = "outbound".into(),
            Some(Edit::Removed) => continue,
            _ => {}
        }
        let mut rows = vec![r];
        if i % 5 == 0 {
            let mut udp = rows[0].clone();
            udp.transport = "udp".into();
            udp.id.push('u');
            rows.push(udp);
        }
        if edit == Some(Edit::Added) {
            let mut added = rows[0].clone();
            added.listener = format!("Added {i}");
            added.port_start = 65_000 + (i / 6 % 500) as u16;
            added.port_end = added.port_start;
            added.row += 1000;
            added.id.push('a');
            rows.push(added);
        }
        out.extend(rows);
    }
    out
}

/// How many entries of [`release`]`(entries, every)` each edit touched, in [`EDITS`] order.
pub fn edits(entries: usize, every: usize) -> [usize; 6] {
    let mut counts = [0; 6];
    for i in 0..entries {
        if let Some(e) = edit_of(i, Some(every)) {
            counts[EDITS.iter().position(|x| *x == e).unwrap()] += 1;
        }
    }
    counts
}
