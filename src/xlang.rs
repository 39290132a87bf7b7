//! Cross-language consistency: two language versions of one document, aligned by what does
//! not depend on the language (table order, ports, transports), never by the translated words.
//!
//! Tables are aligned in order by the ports they share; within two aligned tables, rows are
//! aligned in order by their ports (a listener spelled the same on both sides, as protocol
//! names are, helps); within two aligned rows, records are paired by port, transport and side.
//! What is left is present in one version only; paired records whose port, transport, side or
//! direction differ are reported field by field. Text columns (listener, notes, table titles)
//! are the documents' own words and are not compared.

use crate::emit::md_cell as md;
use crate::record::{port_range_text, PortRecord};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One field that differs between the two versions: (field, value in A, value in B).
pub type FieldDiff = (String, String, String);

#[derive(Debug, Serialize)]
pub struct TablePair {
    /// The table's title in A and in B (None: the table is in one version only).
    pub a: Option<String>,
    pub b: Option<String>,
    pub a_records: usize,
    pub b_records: usize,
    pub matched: usize,
}

#[derive(Debug, Serialize)]
pub struct Differ {
    pub a: PortRecord,
    pub b: PortRecord,
    pub fields: Vec<FieldDiff>,
}

#[derive(Debug, Serialize)]
pub struct XlangReport {
    pub a_document: String,
    pub b_document: String,
    pub a_language: String,
    pub b_language: String,
    pub a_records: usize,
    pub b_records: usize,
    /// Records present in both versions with the same port, transport, side and direction.
    pub matched: usize,
    pub tables: Vec<TablePair>,
    pub only_in_a: Vec<PortRecord>,
    pub only_in_b: Vec<PortRecord>,
    pub differ: Vec<Differ>,
}

impl XlangReport {
    /// True when the two versions say the same about every port.
    pub fn is_consistent(&self) -> bool {
        self.only_in_a.is_empty() && self.only_in_b.is_empty() && self.differ.is_empty()
    }
}

/// Aligns `a[i]` with `b[j]` in order, maximizing the summed score of aligned pairs; a pair
/// scores `score(i, j)` and is only allowed when that is positive. Returns the aligned pairs.
pub fn align<A, B>(a: &[A], b: &[B], score: impl Fn(&A, &B) -> f64) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let s: Vec<Vec<f64>> = a
        .iter()
        .map(|x| b.iter().map(|y| score(x, y)).collect())
        .collect();
    let mut dp = vec![vec![0.0f64; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let mut best = dp[i - 1][j].max(dp[i][j - 1]);
            if s[i - 1][j - 1] > 0.0 {
                best = best.max(dp[i - 1][j - 1] + s[i - 1][j - 1]);
            }
            dp[i][j] = best;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let sc = s[i - 1][j - 1];
        if sc > 0.0 && (dp[i][j] - (dp[i - 1][j - 1] + sc)).abs() < 1e-9 {
            pairs.push((i - 1, j - 1));
            i -= 1;
            j -= 1;
        } else if (dp[i][j] - dp[i - 1][j]).abs() < 1e-9 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    pairs.reverse();
    pairs
}

/// Jaccard similarity of two sets given as sorted, deduplicated slices.
fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let inter = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

type PortKey = (u16, u16, String);

fn port_keys<'a>(rs: impl Iterator<Item = &'a PortRecord>) -> Vec<PortKey> {
    let mut v: Vec<PortKey> = rs
        .map(|r| (r.port_start, r.port_end, r.transport.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Records grouped in order: by table, then by row.
struct Table<'a> {
    title: String,
    rows: Vec<Vec<&'a PortRecord>>,
    keys: Vec<PortKey>,
}

fn tables(records: &[PortRecord]) -> Vec<Table<'_>> {
    let mut by_table: BTreeMap<u32, BTreeMap<u32, Vec<&PortRecord>>> = BTreeMap::new();
    for r in records {
        by_table
            .entry(r.table_index)
            .or_default()
            .entry(r.row)
            .or_default()
            .push(r);
    }
    by_table
        .into_values()
        .map(|rows| {
            let rows: Vec<Vec<&PortRecord>> = rows.into_values().collect();
            let keys = port_keys(rows.iter().flatten().copied());
            let title = rows
                .first()
                .and_then(|r| r.first())
                .map(|r| r.table.clone())
                .unwrap_or_default();
            Table { title, rows, keys }
        })
        .collect()
}

fn is_prose(t: &Table) -> bool {
    t.rows
        .first()
        .and_then(|r| r.first())
        .is_some_and(|r| r.origin == "prose")
}

fn listener_key(r: &PortRecord) -> String {
    crate::normalize::key(&r.listener)
}

fn port_text(r: &PortRecord) -> String {
    port_range_text(r.port_start, r.port_end)
}

/// The language-independent fields that differ between two paired records.
fn field_diffs(a: &PortRecord, b: &PortRecord) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (name, x, y) in [
        ("port", port_text(a), port_text(b)),
        ("transport", a.transport.clone(), b.transport.clone()),
        ("port_side", a.port_side.clone(), b.port_side.clone()),
        ("direction", a.direction.clone(), b.direction.clone()),
    ] {
        if x != y {
            out.push((name.to_string(), x, y));
        }
    }
    out
}

/// Pairs the records of two aligned rows: same port, transport and side first, then same port
/// and transport, then same port, then what is left in order.
fn pair_records<'a>(
    a: &[&'a PortRecord],
    b: &[&'a PortRecord],
) -> (
    Vec<(&'a PortRecord, &'a PortRecord)>,
    Vec<&'a PortRecord>,
    Vec<&'a PortRecord>,
) {
    let mut a_left: Vec<Option<&PortRecord>> = a.iter().copied().map(Some).collect();
    let mut b_left: Vec<Option<&PortRecord>> = b.iter().copied().map(Some).collect();
    let mut pairs = Vec::new();
    let passes: [fn(&PortRecord, &PortRecord) -> bool; 4] = [
        |x, y| {
            (x.port_start, x.port_end, &x.transport, &x.port_side)
                == (y.port_start, y.port_end, &y.transport, &y.port_side)
        },
        |x, y| (x.port_start, x.port_end, &x.transport) == (y.port_start, y.port_end, &y.transport),
        |x, y| (x.port_start, x.port_end) == (y.port_start, y.port_end),
        |_, _| true,
    ];
    for same in passes {
        for slot in a_left.iter_mut() {
            let Some(x) = *slot else { continue };
            if let Some(other) = b_left.iter_mut().find(|o| o.is_some_and(|y| same(x, y))) {
                pairs.push((x, other.take().expect("found")));
                *slot = None;
            }
        }
    }
    (
        pairs,
        a_left.into_iter().flatten().collect(),
        b_left.into_iter().flatten().collect(),
    )
}

/// Compares two language versions of one document.
pub fn compare(a: &[PortRecord], b: &[PortRecord]) -> XlangReport {
    let first = |v: &[PortRecord], f: fn(&PortRecord) -> &String| {
        v.first().map(|r| f(r).clone()).unwrap_or_default()
    };
    let mut rep = XlangReport {
        a_document: first(a, |r| &r.document),
        b_document: first(b, |r| &r.document),
        a_language: first(a, |r| &r.language),
        b_language: first(b, |r| &r.language),
        a_records: a.len(),
        b_records: b.len(),
        matched: 0,
        tables: Vec::new(),
        only_in_a: Vec::new(),
        only_in_b: Vec::new(),
        differ: Vec::new(),
    };
    let (ta, tb) = (tables(a), tables(b));
    // prose goes with prose only; tables by the ports they share
    let table_pairs = align(&ta, &tb, |x, y| {
        if is_prose(x) != is_prose(y) {
            0.0
        } else {
            jaccard(&x.keys, &y.keys)
        }
    });
    let (mut ia, mut ib) = (0, 0);
    let count = |t: &Table| t.rows.iter().map(Vec::len).sum::<usize>();
    let alone = |rep: &mut XlangReport, t: &Table, in_a: bool| {
        rep.tables.push(TablePair {
            a: in_a.then(|| t.title.clone()),
            b: (!in_a).then(|| t.title.clone()),
            a_records: if in_a { count(t) } else { 0 },
            b_records: if in_a { 0 } else { count(t) },
            matched: 0,
        });
        let dst = if in_a {
            &mut rep.only_in_a
        } else {
            &mut rep.only_in_b
        };
        dst.extend(t.rows.iter().flatten().map(|r| (*r).clone()));
    };
    for &(pa, pb) in table_pairs
        .iter()
        .chain(std::iter::once(&(ta.len(), tb.len())))
    {
        while ia < pa {
            alone(&mut rep, &ta[ia], true);
            ia += 1;
        }
        while ib < pb {
            alone(&mut rep, &tb[ib], false);
            ib += 1;
        }
        if pa == ta.len() && pb == tb.len() {
            break;
        }
        let (x, y) = (&ta[pa], &tb[pb]);
        let matched_before = rep.matched;
        compare_tables(&mut rep, x, y);
        rep.tables.push(TablePair {
            a: Some(x.title.clone()),
            b: Some(y.title.clone()),
            a_records: count(x),
            b_records: count(y),
            matched: rep.matched - matched_before,
        });
        ia = pa + 1;
        ib = pb + 1;
    }
    rep
}

fn compare_tables(rep: &mut XlangReport, x: &Table, y: &Table) {
    let row_keys = |row: &Vec<&PortRecord>| port_keys(row.iter().copied());
    let (kx, ky): (Vec<Vec<PortKey>>, Vec<Vec<PortKey>>) = (
        x.rows.iter().map(row_keys).collect(),
        y.rows.iter().map(row_keys).collect(),
    );
    let rows_a: Vec<usize> = (0..x.rows.len()).collect();
    let rows_b: Vec<usize> = (0..y.rows.len()).collect();
    let pairs = align(&rows_a, &rows_b, |&i, &j| {
        let ports = |k: &[PortKey]| {
            let mut v: Vec<(u16, u16)> = k.iter().map(|p| (p.0, p.1)).collect();
            v.dedup();
            v
        };
        let mut s = jaccard(&ports(&kx[i]), &ports(&ky[j]));
        let (la, lb) = (listener_key(x.rows[i][0]), listener_key(y.rows[j][0]));
        if !la.is_empty() && la == lb {
            s += 0.25;
        }
        s
    });
    let mut used_a = vec![false; x.rows.len()];
    let mut used_b = vec![false; y.rows.len()];
    for (i, j) in pairs {
        used_a[i] = true;
        used_b[j] = true;
        let (pairs, left_a, left_b) = pair_records(&x.rows[i], &y.rows[j]);
        for (ra, rb) in pairs {
            let fields = field_diffs(ra, rb);
            if fields.is_empty() {
                rep.matched += 1;
            } else {
                rep.differ.push(Differ {
                    a: ra.clone(),
                    b: rb.clone(),
                    fields,
                });
            }
        }
        rep.only_in_a.extend(left_a.into_iter().cloned());
        rep.only_in_b.extend(left_b.into_iter().cloned());
    }
    for (i, row) in x.rows.iter().enumerate() {
        if !used_a[i] {
            rep.only_in_a.extend(row.iter().map(|r| (*r).clone()));
        }
    }
    for (j, row) in y.rows.iter().enumerate() {
        if !used_b[j] {
            rep.only_in_b.extend(row.iter().map(|r| (*r).clone()));
        }
    }
}

fn record_line(r: &PortRecord) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        md(&r.table),
        r.row,
        r.page.map(|p| p.to_string()).unwrap_or_default(),
        md(&r.listener),
        if r.transport.is_empty() {
            "?"
        } else {
            &r.transport
        },
        port_text(r),
        r.port_side,
        r.direction
    )
}

/// The report as Markdown: summary first, then the tables side by side, then every difference.
pub fn render_markdown(rep: &XlangReport) -> String {
    let mut s = String::new();
    let name = |doc: &str, lang: &str| {
        if lang.is_empty() {
            doc.to_string()
        } else {
            format!("{doc} ({lang})")
        }
    };
    let (na, nb) = (
        name(&rep.a_document, &rep.a_language),
        name(&rep.b_document, &rep.b_language),
    );
    let _ = writeln!(s, "# Cross-language comparison\n");
    let _ = writeln!(s, "- A: {}\n- B: {}\n", md(&na), md(&nb));
    let _ = writeln!(
        s,
        "{} records in A, {} in B: {} the same in both, {} only in A, {} only in B, {} differ.\n",
        rep.a_records,
        rep.b_records,
        rep.matched,
        rep.only_in_a.len(),
        rep.only_in_b.len(),
        rep.differ.len()
    );
    if rep.is_consistent() {
        let _ = writeln!(s, "The two versions list the same ports.");
    }
    let _ = writeln!(s, "## Tables\n");
    let _ = writeln!(
        s,
        "| table in A | table in B | records A | records B | the same |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|");
    for t in &rep.tables {
        let title = |o: &Option<String>, prose: bool| match o {
            None => "(none)".to_string(),
            Some(t) if t.is_empty() && prose => "(prose)".to_string(),
            Some(t) => md(t),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            title(&t.a, true),
            title(&t.b, true),
            t.a_records,
            t.b_records,
            t.matched
        );
    }
    let header = "| table | row | page | listener | transport | port | side | direction |\n|---|---:|---:|---|---|---|---|---|";
    for (title, list) in [
        (format!("Only in A: {}", md(&na)), &rep.only_in_a),
        (format!("Only in B: {}", md(&nb)), &rep.only_in_b),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n## {title}\n\n{header}");
        for r in list.iter() {
            let _ = writeln!(s, "{}", record_line(r));
        }
    }
    if !rep.differ.is_empty() {
        let _ = writeln!(s, "\n## Different in A and B\n");
        let _ = writeln!(
            s,
            "| table in A | row A | table in B | row B | listener (A) | differences |"
        );
        let _ = writeln!(s, "|---|---:|---|---:|---|---|");
        for d in &rep.differ {
            let changes: Vec<String> = d
                .fields
                .iter()
                .map(|(f, x, y)| format!("{f}: {x} → {y}"))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                md(&d.a.table),
                d.a.row,
                md(&d.b.table),
                d.b.row,
                md(&d.a.listener),
                md(&changes.join("; "))
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_keeps_order_and_skips_gaps() {
        let a = [1, 2, 3];
        let b = [9, 1, 2, 3];
        let p = align(&a, &b, |x, y| if x == y { 1.0 } else { 0.0 });
        assert_eq!(p, vec![(0, 1), (1, 2), (2, 3)]);
        let p = align(
            &[1, 2],
            &[2, 1],
            |x: &i32, y: &i32| if x == y { 1.0 } else { 0.0 },
        );
        assert_eq!(p.len(), 1);
    }
}
