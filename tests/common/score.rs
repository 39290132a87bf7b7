//! A port of `../shared/tools/score.py` (matching and totals), so that the tests can score without
//! Python or `../shared`.
//!
//! Per document, records are matched on `(port_start, port_end)` as multisets. Truth rows with
//! `optional=1` may go unmatched without penalty and absorb predictions beyond the required
//! matches. transport, port_side, direction and listener are scored over greedy pairs of the same
//! key: truth rows that name a listener pick first, each taking the candidate that agrees on the
//! most of transport/side/direction (+0.5 for a listener that matches), the first such one in
//! prediction order. Text is compared after NFKC, trimming, lowercasing and collapsing whitespace;
//! listeners match by substring either way.

use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// The attributes scored on matched pairs, in score.py's order.
pub const ATTRS: [&str; 4] = ["transport", "port_side", "direction", "listener"];

/// Whitespace as Python's `str.isspace` sees it (Unicode White_Space plus U+001C..U+001F).
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Whitespace runs collapsed to one space, trimmed.
fn collapse(s: &str) -> String {
    s.split(is_py_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// score.py's `norm`: NFKC, trimmed, lowercased, whitespace collapsed.
pub fn norm(s: &str) -> String {
    collapse(&s.nfkc().collect::<String>().to_lowercase())
}

/// One record as score.py sees it (truth or prediction).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: (i64, i64),
    pub optional: bool,
    /// transport, port_side, direction, listener; normalized.
    pub attrs: [String; 4],
    /// The listener as written, whitespace collapsed (for messages and golden files).
    pub listener_text: String,
}

impl Row {
    pub fn new(key: (i64, i64), optional: bool, fields: [&str; 4]) -> Row {
        Row {
            key,
            optional,
            attrs: fields.map(norm),
            listener_text: collapse(fields[3]),
        }
    }

    pub fn listener(&self) -> &str {
        &self.attrs[3]
    }
}

/// score.py's `doc`: the file name of a `/` or `\` path.
pub fn doc_name(path: &str) -> String {
    path.replace('\\', "/")
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string()
}

/// Reads a truth or ports CSV (by header names, like `csv.DictReader`) into rows by document.
/// Rows without an integer port_start (or port_end, when given) are skipped, as score.py does.
pub fn load(bytes: &[u8]) -> BTreeMap<String, Vec<Row>> {
    let mut rd = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = rd.headers().expect("CSV header").clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (doc, start, end, opt) = (
        col("document"),
        col("port_start"),
        col("port_end"),
        col("optional"),
    );
    let attrs = ATTRS.map(col);
    let mut out: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for rec in rd.records() {
        let rec = rec.expect("CSV row");
        let get = |c: Option<usize>| c.and_then(|i| rec.get(i)).unwrap_or("");
        let Some(a) = start.and_then(|i| rec.get(i)).and_then(py_int) else {
            continue;
        };
        let b = match get(end) {
            "" => a,
            s => match py_int(s) {
                Some(b) => b,
                None => continue,
            },
        };
        let optional = matches!(get(opt).trim(), "1" | "true");
        let fields = attrs.map(get);
        out.entry(doc_name(get(doc)))
            .or_default()
            .push(Row::new((a, b), optional, fields));
    }
    out
}

/// Python's `int(s)` for the decimal numbers a CSV holds.
fn py_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(is_py_space).replace('_', "");
    t.parse().ok()
}

/// Scores of one document, or of a whole set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Score {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    /// Matched pairs whose truth states the attribute, and those the prediction got right.
    pub attr_ok: [usize; 4],
    pub attr_n: [usize; 4],
}

impl Score {
    pub fn add(&mut self, o: &Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        for k in 0..4 {
            self.attr_ok[k] += o.attr_ok[k];
            self.attr_n[k] += o.attr_n[k];
        }
    }

    /// score.py's summary line.
    pub fn line(&self) -> String {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let prec = ratio(self.tp, self.tp + self.fp);
        let rec = ratio(self.tp, self.tp + self.fn_);
        let f1 = if prec + rec > 0.0 {
            2.0 * prec * rec / (prec + rec)
        } else {
            0.0
        };
        let attrs: Vec<String> = (0..4)
            .map(|k| format!("{}={}/{}", ATTRS[k], self.attr_ok[k], self.attr_n[k]))
            .collect();
        format!(
            "f1={f1:.3} precision={prec:.3} recall={rec:.3} tp={} fp={} fn={} {}",
            self.tp,
            self.fp,
            self.fn_,
            attrs.join(" ")
        )
    }
}

/// How the predictions of one document pair with its truth rows (indexes into both slices).
#[derive(Debug, Default)]
pub struct Pairing {
    /// (required truth row, prediction), in the order the truth rows picked.
    pub matched: Vec<(usize, usize)>,
    /// Required truth rows no prediction is left for.
    pub missing: Vec<usize>,
    /// (optional truth row, prediction) for predictions beyond the required matches.
    pub absorbed: Vec<(usize, usize)>,
    /// Predictions that match no truth row.
    pub extra: Vec<usize>,
}

/// Whether two normalized listeners match: both named, one inside the other.
pub fn listener_matches(truth: &str, pred: &str) -> bool {
    !truth.is_empty() && !pred.is_empty() && (truth.contains(pred) || pred.contains(truth))
}

/// Whether the prediction gets attribute `k` (an index into [`ATTRS`]) of the truth row right.
pub fn attr_right(k: usize, truth: &Row, pred: &Row) -> bool {
    if k == 3 {
        listener_matches(truth.listener(), pred.listener())
    } else {
        truth.attrs[k] == pred.attrs[k]
    }
}

/// score.py's greedy pairing. Optional truth rows then take what is left over, the same way, so
/// that the absorbed predictions are known one by one (score.py only counts them).
pub fn pair(truth: &[Row], pred: &[Row]) -> Pairing {
    let mut pool: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for (i, r) in pred.iter().enumerate() {
        pool.entry(r.key).or_default().push(i);
    }
    // a stable sort: rows with a listener first, each group in truth order
    let mut order: Vec<usize> = (0..truth.len()).collect();
    order.sort_by_key(|&i| truth[i].listener().is_empty());
    let mut out = Pairing::default();
    for optional in [false, true] {
        for &ti in order.iter().filter(|&&i| truth[i].optional == optional) {
            let t = &truth[ti];
            let cands = pool.entry(t.key).or_default();
            if cands.is_empty() {
                if !optional {
                    out.missing.push(ti);
                }
                continue;
            }
            let score = |p: &Row| {
                let same = (0..3).filter(|&k| t.attrs[k] == p.attrs[k]).count() as f64;
                same + if attr_right(3, t, p) { 0.5 } else { 0.0 }
            };
            // Python's max: the first of the best
            let mut best = 0;
            for (j, &pi) in cands.iter().enumerate() {
                if score(&pred[pi]) > score(&pred[cands[best]]) {
                    best = j;
                }
            }
            let pi = cands.remove(best);
            if optional {
                out.absorbed.push((ti, pi));
            } else {
                out.matched.push((ti, pi));
            }
        }
    }
    out.extra = pool.into_values().flatten().collect();
    out.extra.sort_unstable();
    out
}

impl Pairing {
    /// The document's score, as score.py counts it.
    pub fn score(&self, truth: &[Row], pred: &[Row]) -> Score {
        let mut s = Score {
            tp: self.matched.len(),
            fp: self.extra.len(),
            fn_: self.missing.len(),
            ..Score::default()
        };
        for &(ti, pi) in &self.matched {
            let (t, p) = (&truth[ti], &pred[pi]);
            for k in 0..4 {
                if !t.attrs[k].is_empty() {
                    s.attr_n[k] += 1;
                    s.attr_ok[k] += usize::from(attr_right(k, t, p));
                }
            }
        }
        s
    }
}
