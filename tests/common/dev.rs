//! The development set: 21 real documents in `fixtures/corpus-dev/`, their independent truth in
//! `tests/data/corpus-dev/truth.csv`, golden files corrected to that truth in
//! `golden/corpus-dev/`.

use super::extract::extract_single;
use super::score::{attr_right, pair, Row, Score, ATTRS};
use portolan::discover::{discover, Input};
use portolan::record::{sort_records, PortRecord};
use portolan::Extraction;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

pub const FIXTURES: &str = "fixtures/corpus-dev";
pub const GOLDEN: &str = "golden/corpus-dev";
pub const TRUTH: &str = "tests/data/corpus-dev/truth.csv";

/// The `notes` of a golden record that the output lacks and the truth adds.
pub const ADDED_NOTE: &str = "not extracted: added from tests/data/corpus-dev/truth.csv";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The documents, by file name.
pub fn inputs() -> Vec<Input> {
    discover(&[root().join(FIXTURES)], &[]).inputs
}

/// The truth rows, by document.
pub fn truth() -> BTreeMap<String, Vec<Row>> {
    let bytes = std::fs::read(root().join(TRUTH)).expect("truth.csv is readable");
    super::score::load(&bytes)
}

/// Records as score.py reads them from `ports.csv`.
pub fn rows_of(records: &[PortRecord]) -> Vec<Row> {
    records
        .iter()
        .map(|r| {
            Row::new(
                (i64::from(r.port_start), i64::from(r.port_end)),
                false,
                [
                    r.transport.as_str(),
                    r.port_side.as_str(),
                    r.direction.as_str(),
                    r.listener.as_str(),
                ],
            )
        })
        .collect()
}

/// Every document extracted on its own: (document, extraction).
pub fn extract_all() -> Vec<(String, Extraction)> {
    inputs()
        .iter()
        .map(|i| {
            let x = extract_single(i);
            let doc = i.path.file_name().unwrap().to_string_lossy().into_owned();
            (doc, x)
        })
        .collect()
}

fn doc_truth<'a>(truth: &'a BTreeMap<String, Vec<Row>>, doc: &str) -> &'a [Row] {
    truth.get(doc).map_or(&[][..], |v| v)
}

/// The golden records of one document: its output corrected to its truth rows. Predictions that
/// match no truth row (and that no optional row absorbs) are dropped; a matched one takes
/// transport, side, direction and listener from its truth row where the truth states them and
/// keeps its other fields (id, provenance, notes, raw text); every required truth row the output
/// lacks is added, after the document's other records (as prose is), with [`ADDED_NOTE`].
pub fn golden(doc: &str, x: &Extraction, truth: &[Row]) -> Vec<PortRecord> {
    let pred = rows_of(&x.records);
    let p = pair(truth, &pred);
    let mut kept: Vec<(usize, usize)> = p.matched.iter().chain(&p.absorbed).copied().collect();
    kept.sort_by_key(|&(_, pi)| pi);
    let mut ids = BTreeSet::new();
    let mut out = Vec::new();
    for (ti, pi) in kept {
        let (t, mut r) = (&truth[ti], x.records[pi].clone());
        for (field, value) in [
            (&mut r.transport, &t.attrs[0]),
            (&mut r.port_side, &t.attrs[1]),
            (&mut r.direction, &t.attrs[2]),
            (&mut r.listener, &t.listener_text),
        ] {
            if !value.is_empty() {
                field.clone_from(value);
            }
        }
        // the id stays the extracted record's, which names it (an id recomputed from the
        // corrected fields could clash: the same row of two tables with one title); an id the
        // output repeats (two identical records of one cell) gets a suffix hashed in
        let mut n = 1;
        while !ids.insert(r.id.clone()) {
            n += 1;
            r.id = rehash(&x.records[pi].id, n);
        }
        out.push(r);
    }
    let report = x.reports.first().expect("one report per document");
    let meta = x.records.first().cloned().unwrap_or_default();
    // rows after the document's own prose rows, so that the ids stay unique
    let first_row = out
        .iter()
        .filter(|r| r.table_index == u32::MAX)
        .map(|r| r.row)
        .max()
        .unwrap_or(0)
        + 1;
    for (row, &ti) in (first_row..).zip(&p.missing) {
        let t = &truth[ti];
        let port = |n: i64| u16::try_from(n).expect("a truth port fits u16");
        let mut r = PortRecord {
            vendor: meta.vendor.clone(),
            product: meta.product.clone(),
            release: meta.release.clone(),
            language: report.language.clone(),
            document: doc.to_string(),
            format: report.format.clone(),
            row,
            listener: t.listener_text.clone(),
            transport: t.attrs[0].clone(),
            port_start: port(t.key.0),
            port_end: port(t.key.1),
            port_side: t.attrs[1].clone(),
            direction: t.attrs[2].clone(),
            notes: ADDED_NOTE.to_string(),
            origin: "prose".into(),
            document_sha256: report.sha256.clone(),
            confidence: 1.0,
            table_index: u32::MAX,
            ..PortRecord::default()
        };
        r.compute_id();
        assert!(ids.insert(r.id.clone()), "{doc}: golden id {} twice", r.id);
        out.push(r);
    }
    sort_records(&mut out);
    out
}

/// The `n`th record with the extracted id `id`: a new id of the same form, deterministic.
fn rehash(id: &str, n: usize) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{id}\u{1f}{n}").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// `443/tcp local inbound "Web server"`: a row's port and the attributes it states.
fn describe(r: &Row) -> String {
    let (a, b) = r.key;
    let mut s = if a == b {
        a.to_string()
    } else {
        format!("{a}-{b}")
    };
    for (i, a) in r.attrs[..3].iter().enumerate() {
        if !a.is_empty() {
            s.push(if i == 0 { '/' } else { ' ' });
            s.push_str(a);
        }
    }
    if !r.listener_text.is_empty() {
        s.push_str(&format!(" \"{}\"", r.listener_text));
    }
    s
}

/// The gaps between one document's predictions and its truth, one line each: required truth
/// rows the output lacks, predictions no truth row matches, and attributes of matched pairs that
/// disagree with what the truth states. Deterministic: sorted by port within each kind.
pub fn gaps(doc: &str, truth: &[Row], pred: &[Row]) -> Vec<String> {
    let p = pair(truth, pred);
    let mut missing: Vec<_> = p
        .missing
        .iter()
        .map(|&i| {
            (
                truth[i].key,
                format!("{doc}: missing {}", describe(&truth[i])),
            )
        })
        .collect();
    let mut extra: Vec<_> = p
        .extra
        .iter()
        .map(|&i| (pred[i].key, format!("{doc}: extra {}", describe(&pred[i]))))
        .collect();
    let mut wrong = Vec::new();
    for &(ti, pi) in &p.matched {
        let (t, r) = (&truth[ti], &pred[pi]);
        for (k, attr) in ATTRS.iter().enumerate() {
            if t.attrs[k].is_empty() || attr_right(k, t, r) {
                continue;
            }
            let (got, want) = if k == 3 {
                (&r.listener_text, &t.listener_text)
            } else {
                (&r.attrs[k], &t.attrs[k])
            };
            let line = format!("{doc}: {} {attr} \"{got}\", truth \"{want}\"", describe(t));
            wrong.push((t.key, line));
        }
    }
    for v in [&mut missing, &mut extra, &mut wrong] {
        v.sort();
    }
    [missing, extra, wrong]
        .concat()
        .into_iter()
        .map(|(_, line)| line)
        .collect()
}

/// The totals (score.py's summary line) and the gaps of every document.
pub fn report(
    truth: &BTreeMap<String, Vec<Row>>,
    pred: &BTreeMap<String, Vec<Row>>,
) -> (Score, Vec<String>) {
    let docs: BTreeSet<&String> = truth.keys().chain(pred.keys()).collect();
    let (mut total, mut lines) = (Score::default(), Vec::new());
    for doc in docs {
        let (t, p) = (doc_truth(truth, doc), doc_truth(pred, doc));
        total.add(&pair(t, p).score(t, p));
        lines.extend(gaps(doc, t, p));
    }
    (total, lines)
}

/// Predictions by document, as score.py would read them from the extractions.
pub fn pred_rows(outputs: &[(String, Extraction)]) -> BTreeMap<String, Vec<Row>> {
    outputs
        .iter()
        .map(|(doc, x)| (doc.clone(), rows_of(&x.records)))
        .collect()
}
