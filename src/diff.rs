//! What changed between two datasets (an old and a new release of the docs, or a golden file and
//! today's output), matched semantically rather than line by line.
//!
//! The records of one table row that differ only by transport (`53/UDP, 53/TCP`) form one
//! *entry*. Entries are matched within a product, in passes from the strictest to the loosest:
//!
//! 1. the same listener, port range, transports, side and qualifier;
//! 2. the same listener and port range (the side or the transports changed);
//! 3. the same listener and transports with overlapping ranges (the range grew or shrank);
//! 4. the same port range, transports, side and qualifier under another listener name (the
//!    listener was renamed or retranslated), the most alike names and notes first;
//! 5. the one entry left of a listener on each side (its port was renumbered).
//!
//! Within a pass, entries with the same key are paired in document order, so the same port
//! listed for several processes, or twice, is aligned and never collapsed. Table, caption, row,
//! page and notes are where an entry is and what it says around it: a row that moved to another
//! table, a renamed caption, re-ordered rows or a reworded note match all the same. A matched
//! pair is *changed* when its port range, transports, side, direction or default/configurable
//! flags differ, *renamed* when only its listener text does, else unchanged. What no pass
//! matches is added or removed.
//!
//! [`Fields::All`] compares every field instead (the golden-file check, where any difference
//! counts, and reports it field by field).

use crate::emit::md_cell as md;
use crate::normalize::key;
use crate::record::{port_range_text, PortRecord};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Which differences make a matched pair "changed".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    /// What a firewall rule depends on: port range, transports, side, direction, flags.
    Semantic,
    /// Every field of every record (golden files).
    All,
}

/// The records of one table row that differ only by transport.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub product: String,
    pub document: String,
    pub table: String,
    pub section: String,
    pub row: u32,
    pub page: Option<u32>,
    pub listener: String,
    pub transports: Vec<String>,
    pub port_start: u16,
    pub port_end: u16,
    pub port_side: String,
    pub direction: String,
    pub qualifier: String,
    pub default_port: bool,
    pub configurable: bool,
    pub remote: String,
    pub notes: String,
    pub source: String,
    /// The ids of the records behind the entry.
    pub ids: Vec<String>,
    #[serde(skip)]
    pub records: Vec<PortRecord>,
    /// Position in its dataset, for pairing duplicates in order.
    #[serde(skip)]
    order: usize,
}

impl Entry {
    pub fn port_text(&self) -> String {
        port_range_text(self.port_start, self.port_end)
    }
    pub fn transport_text(&self) -> String {
        if self.transports.iter().all(|t| t.is_empty()) {
            "?".into()
        } else {
            self.transports.join("+")
        }
    }
    /// "document p.3 row 2" (page only when the document has pages).
    pub fn place(&self) -> String {
        let mut s = self.document.clone();
        if let Some(p) = self.page {
            let _ = write!(s, " p.{p}");
        }
        if self.source == "prose" {
            let _ = write!(s, " prose #{}", self.row);
        } else {
            let _ = write!(s, " row {}", self.row);
        }
        s
    }
    fn listener_key(&self) -> String {
        key(&self.listener).replace(' ', "")
    }
}

/// Where a record is and which port it names, apart from its transport.
type EntryKey = (String, u32, String, String, u32, u16, u16, String, String);

/// Changes of one table, and the tables of one product, in report order.
type TableGroup<'a> = (String, Vec<&'a Change>);
type ProductGroup<'a> = (String, Vec<TableGroup<'a>>);

/// Groups records into entries, in their order.
pub fn entries(records: &[PortRecord]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut index: BTreeMap<EntryKey, usize> = BTreeMap::new();
    for r in records {
        let k = (
            r.document.clone(),
            r.table_index,
            r.table.clone(),
            r.source.clone(),
            r.row,
            r.port_start,
            r.port_end,
            r.port_side.clone(),
            r.qualifier.clone(),
        );
        if let Some(&i) = index.get(&k) {
            let e = &mut out[i];
            if e.listener == r.listener && !e.transports.contains(&r.transport) {
                e.transports.push(r.transport.clone());
                e.transports.sort();
                e.ids.push(r.id.clone());
                e.records.push(r.clone());
                continue;
            }
        }
        index.insert(k, out.len());
        out.push(Entry {
            product: r.product.clone(),
            document: r.document.clone(),
            table: r.table.clone(),
            section: r.section.clone(),
            row: r.row,
            page: r.page,
            listener: r.listener.clone(),
            transports: vec![r.transport.clone()],
            port_start: r.port_start,
            port_end: r.port_end,
            port_side: r.port_side.clone(),
            direction: r.direction.clone(),
            qualifier: r.qualifier.clone(),
            default_port: r.default_port,
            configurable: r.configurable,
            remote: r.remote.clone(),
            notes: r.notes.clone(),
            source: r.source.clone(),
            ids: vec![r.id.clone()],
            records: vec![r.clone()],
            order: out.len(),
        });
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
    Renamed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
            Kind::Renamed => "renamed",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim() {
            "added" => Some(Kind::Added),
            "removed" => Some(Kind::Removed),
            "changed" => Some(Kind::Changed),
            "renamed" => Some(Kind::Renamed),
            _ => None,
        }
    }
}

/// One field that differs: its name, the old and the new value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: Kind,
    pub product: String,
    /// The entry's table (the new one when both sides have it).
    pub table: String,
    pub listener: String,
    pub old: Option<Entry>,
    pub new: Option<Entry>,
    /// For changed and renamed entries: what differs.
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub renamed: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub source: String,
    pub records: usize,
    pub entries: usize,
}

/// A diff report. Its JSON form is documented in `schema/diff.schema.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub schema_version: u32,
    pub old: Side,
    pub new: Side,
    pub summary: Summary,
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
    pub fn count(&self, kind: Kind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

fn record_fields(r: &PortRecord) -> BTreeMap<String, String> {
    let serde_json::Value::Object(m) = serde_json::to_value(r).expect("record serializes") else {
        unreachable!()
    };
    m.into_iter()
        .filter(|(k, _)| k != "id")
        .map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

fn field_changes(a: &Entry, b: &Entry, fields: Fields) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, old: String, new: String| {
        if old != new {
            out.push(FieldChange {
                field: field.into(),
                old,
                new,
            });
        }
    };
    match fields {
        Fields::Semantic => {
            push("port", a.port_text(), b.port_text());
            push("transport", a.transport_text(), b.transport_text());
            push("port_side", a.port_side.clone(), b.port_side.clone());
            push("direction", a.direction.clone(), b.direction.clone());
            push(
                "default_port",
                a.default_port.to_string(),
                b.default_port.to_string(),
            );
            push(
                "configurable",
                a.configurable.to_string(),
                b.configurable.to_string(),
            );
            // a listener written with other spaces or case is the same listener
            if a.listener_key() != b.listener_key() {
                push("listener", a.listener.clone(), b.listener.clone());
            }
        }
        Fields::All => {
            push("transport", a.transport_text(), b.transport_text());
            // every field of the records, pairing them by transport
            for ra in &a.records {
                let rb = b
                    .records
                    .iter()
                    .find(|r| r.transport == ra.transport)
                    .or(b.records.first());
                let Some(rb) = rb else { continue };
                let (fa, fb) = (record_fields(ra), record_fields(rb));
                for (k, v) in &fa {
                    let w = fb.get(k).cloned().unwrap_or_default();
                    if *v != w && k != "transport" && !out.iter().any(|c| c.field == *k) {
                        out.push(FieldChange {
                            field: k.clone(),
                            old: v.clone(),
                            new: w,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Character bigrams of a text's key, for telling how alike two names are.
fn bigrams(s: &str) -> BTreeSet<(char, char)> {
    let chars: Vec<char> = key(s).chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

fn alike(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() && y.is_empty() {
        return 0.0;
    }
    let inter = x.intersection(&y).count();
    inter as f64 / (x.len() + y.len() - inter) as f64
}

type Pass = fn(&Entry, &Entry) -> bool;

/// Compares two datasets.
pub fn diff(
    old: &[PortRecord],
    new: &[PortRecord],
    old_source: &str,
    new_source: &str,
    fields: Fields,
) -> Diff {
    let (eo, en) = (entries(old), entries(new));
    let mut old_left: Vec<bool> = vec![true; eo.len()];
    let mut new_left: Vec<bool> = vec![true; en.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let same_place = |a: &Entry, b: &Entry| a.product == b.product && a.source == b.source;
    let passes: [Pass; 3] = [
        |a, b| {
            a.listener_key() == b.listener_key()
                && (a.port_start, a.port_end) == (b.port_start, b.port_end)
                && a.transports == b.transports
                && a.port_side == b.port_side
                && a.qualifier == b.qualifier
        },
        |a, b| {
            a.listener_key() == b.listener_key()
                && (a.port_start, a.port_end) == (b.port_start, b.port_end)
                && key(&a.qualifier) == key(&b.qualifier)
        },
        |a, b| {
            a.listener_key() == b.listener_key()
                && a.transports == b.transports
                && a.port_start <= b.port_end
                && b.port_start <= a.port_end
        },
    ];
    for pass in passes {
        // in order: each old entry takes the first new entry left that the pass accepts
        for (i, a) in eo.iter().enumerate() {
            if !old_left[i] {
                continue;
            }
            if let Some(j) =
                (0..en.len()).find(|&j| new_left[j] && same_place(a, &en[j]) && pass(a, &en[j]))
            {
                old_left[i] = false;
                new_left[j] = false;
                pairs.push((i, j));
            }
        }
    }
    // renamed listeners: the same port, transports, side and qualifier, the most alike texts first
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, a) in eo.iter().enumerate() {
        if !old_left[i] {
            continue;
        }
        for (j, b) in en.iter().enumerate() {
            if new_left[j]
                && same_place(a, b)
                && (a.port_start, a.port_end, &a.transports, &a.port_side)
                    == (b.port_start, b.port_end, &b.transports, &b.port_side)
                && key(&a.qualifier) == key(&b.qualifier)
            {
                let score = alike(&a.listener, &b.listener) + alike(&a.notes, &b.notes);
                candidates.push((score, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
    });
    for (_, i, j) in candidates {
        if old_left[i] && new_left[j] {
            old_left[i] = false;
            new_left[j] = false;
            pairs.push((i, j));
        }
    }
    // a renumbered port: the only entry left of a listener on each side
    let left_of = |v: &[Entry], left: &[bool], e: &Entry| -> Vec<usize> {
        (0..v.len())
            .filter(|&k| left[k] && same_place(&v[k], e) && v[k].listener_key() == e.listener_key())
            .collect()
    };
    for i in 0..eo.len() {
        if !old_left[i] || eo[i].listener_key().is_empty() {
            continue;
        }
        let (os, ns) = (
            left_of(&eo, &old_left, &eo[i]),
            left_of(&en, &new_left, &eo[i]),
        );
        if os.len() == 1 && ns.len() == 1 {
            old_left[i] = false;
            new_left[ns[0]] = false;
            pairs.push((i, ns[0]));
        }
    }

    let mut d = Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        old: Side {
            source: old_source.into(),
            records: old.len(),
            entries: eo.len(),
        },
        new: Side {
            source: new_source.into(),
            records: new.len(),
            entries: en.len(),
        },
        summary: Summary::default(),
        changes: Vec::new(),
    };
    for (i, j) in pairs {
        let (a, b) = (&eo[i], &en[j]);
        let fields = field_changes(a, b, fields);
        if fields.is_empty() {
            d.summary.unchanged += 1;
            continue;
        }
        let kind = if fields.iter().all(|f| f.field == "listener") {
            Kind::Renamed
        } else {
            Kind::Changed
        };
        d.changes.push(Change {
            kind,
            product: b.product.clone(),
            table: b.table.clone(),
            listener: b.listener.clone(),
            old: Some(a.clone()),
            new: Some(b.clone()),
            fields,
        });
    }
    let unpaired = |kind: Kind, e: &Entry| Change {
        kind,
        product: e.product.clone(),
        table: e.table.clone(),
        listener: e.listener.clone(),
        old: (kind == Kind::Removed).then(|| e.clone()),
        new: (kind == Kind::Added).then(|| e.clone()),
        fields: Vec::new(),
    };
    d.changes.extend(
        eo.iter()
            .zip(&old_left)
            .filter(|(_, left)| **left)
            .map(|(e, _)| unpaired(Kind::Removed, e)),
    );
    d.changes.extend(
        en.iter()
            .zip(&new_left)
            .filter(|(_, left)| **left)
            .map(|(e, _)| unpaired(Kind::Added, e)),
    );
    // canonical order: kind, product, then where the entry is
    d.changes.sort_by(|x, y| {
        let at = |c: &Change| {
            let e = c.new.as_ref().or(c.old.as_ref()).expect("a side");
            (e.document.clone(), e.order, e.port_start)
        };
        (x.kind, &x.product)
            .cmp(&(y.kind, &y.product))
            .then_with(|| at(x).cmp(&at(y)))
    });
    d.summary.added = d.count(Kind::Added);
    d.summary.removed = d.count(Kind::Removed);
    d.summary.changed = d.count(Kind::Changed);
    d.summary.renamed = d.count(Kind::Renamed);
    d
}

fn flags(e: &Entry) -> String {
    let mut v = Vec::new();
    if e.default_port {
        v.push("default");
    }
    if e.configurable {
        v.push("configurable");
    }
    v.join(", ")
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "(none)".into()
    } else {
        md(s)
    }
}

/// Changes of one kind grouped by product, then table, in report order.
fn grouped(d: &Diff, kind: Kind) -> Vec<ProductGroup<'_>> {
    let mut out: Vec<ProductGroup<'_>> = Vec::new();
    for c in d.changes.iter().filter(|c| c.kind == kind) {
        if out.last().is_none_or(|(p, _)| *p != c.product) {
            out.push((c.product.clone(), Vec::new()));
        }
        let tables = &mut out.last_mut().expect("a product").1;
        if tables.last().is_none_or(|(t, _)| *t != c.table) {
            tables.push((c.table.clone(), Vec::new()));
        }
        tables.last_mut().expect("a table").1.push(c);
    }
    out
}

/// The report as Markdown, for a pull-request comment: counts first, then the added, removed,
/// changed and renamed entries grouped by product and table, each with its place.
pub fn render_markdown(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# portolan diff\n");
    let _ = writeln!(
        s,
        "- old: {} ({} records)\n- new: {} ({} records)\n",
        md(&d.old.source),
        d.old.records,
        md(&d.new.source),
        d.new.records
    );
    let m = &d.summary;
    let _ = writeln!(s, "| added | removed | changed | renamed | unchanged |");
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} |\n",
        m.added, m.removed, m.changed, m.renamed, m.unchanged
    );
    if d.is_empty() {
        let _ = writeln!(s, "No change.");
        return s;
    }
    for (kind, title) in [
        (Kind::Added, "Added"),
        (Kind::Removed, "Removed"),
        (Kind::Changed, "Changed"),
        (
            Kind::Renamed,
            "Renamed (the same port under a new listener name)",
        ),
    ] {
        let groups = grouped(d, kind);
        if groups.is_empty() {
            continue;
        }
        let _ = writeln!(s, "## {title} ({})\n", d.count(kind));
        for (product, tables) in groups {
            let _ = writeln!(s, "### {}\n", or_none(&product));
            for (table, changes) in tables {
                let _ = writeln!(s, "#### {}\n", or_none(&table));
                match kind {
                    Kind::Added | Kind::Removed => {
                        let _ = writeln!(
                            s,
                            "| listener | port | transport | side | direction | qualifier | flags | where |"
                        );
                        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
                        for c in changes {
                            let e = c.new.as_ref().or(c.old.as_ref()).expect("a side");
                            let _ = writeln!(
                                s,
                                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                                md(&e.listener),
                                e.port_text(),
                                e.transport_text(),
                                e.port_side,
                                e.direction,
                                md(&e.qualifier),
                                flags(e),
                                md(&e.place())
                            );
                        }
                    }
                    Kind::Changed | Kind::Renamed => {
                        let _ = writeln!(s, "| listener | port | what changed | old | new |");
                        let _ = writeln!(s, "|---|---|---|---|---|");
                        for c in changes {
                            let (o, n) =
                                (c.old.as_ref().expect("old"), c.new.as_ref().expect("new"));
                            let what: Vec<String> = c
                                .fields
                                .iter()
                                .map(|f| {
                                    format!(
                                        "{}: {} → {}",
                                        f.field,
                                        or_none(&f.old),
                                        or_none(&f.new)
                                    )
                                })
                                .collect();
                            let _ = writeln!(
                                s,
                                "| {} | {} | {} | {} | {} |",
                                md(&n.listener),
                                n.port_text(),
                                what.join("; "),
                                md(&o.place()),
                                md(&n.place())
                            );
                        }
                    }
                }
                s.push('\n');
            }
        }
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as one self-contained HTML page (no external assets): counts, then one table of
/// every change, colour-coded by kind, sortable by any column, filterable by product and kind.
pub fn render_html(d: &Diff) -> String {
    let m = &d.summary;
    let mut products: Vec<&str> = d.changes.iter().map(|c| c.product.as_str()).collect();
    products.sort();
    products.dedup();
    let mut rows = String::new();
    for c in &d.changes {
        let e = c.new.as_ref().or(c.old.as_ref()).expect("a side");
        let what = if c.fields.is_empty() {
            String::new()
        } else {
            c.fields
                .iter()
                .map(|f| {
                    format!(
                        "<b>{}</b>: <del>{}</del> → <ins>{}</ins>",
                        esc(&f.field),
                        esc(&f.old),
                        esc(&f.new)
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let place = |x: &Option<Entry>| x.as_ref().map(|e| esc(&e.place())).unwrap_or_default();
        let _ = writeln!(
            rows,
            "<tr class=\"{k}\" data-kind=\"{k}\" data-product=\"{p}\"><td><span class=\"tag\">{k}</span></td><td>{p}</td><td>{t}</td><td>{l}</td><td data-sort=\"{ps:05}\">{port}</td><td>{tr}</td><td>{side}</td><td>{dir}</td><td>{what}</td><td>{old}</td><td>{new}</td></tr>",
            k = c.kind.as_str(),
            p = esc(&c.product),
            t = esc(&c.table),
            l = esc(&e.listener),
            ps = e.port_start,
            port = e.port_text(),
            tr = esc(&e.transport_text()),
            side = esc(&e.port_side),
            dir = esc(&e.direction),
            what = what,
            old = place(&c.old),
            new = place(&c.new),
        );
    }
    let options: String = products
        .iter()
        .map(|p| {
            format!(
                "<option value=\"{0}\">{0}</option>",
                esc(if p.is_empty() { "" } else { p })
            )
        })
        .collect();
    let checks: String = [Kind::Added, Kind::Removed, Kind::Changed, Kind::Renamed]
        .iter()
        .map(|k| {
            format!(
                "<label class=\"{0}\"><input type=\"checkbox\" class=\"kind\" value=\"{0}\" checked> {0} ({1})</label>",
                k.as_str(),
                d.count(*k)
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>portolan diff: {old} → {new}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK JP", sans-serif; margin: 1.5rem; color: #1d2430; }}
h1 {{ font-size: 1.4rem; margin: 0 0 .5rem 0; }}
.sources {{ color: #4a5568; margin-bottom: 1rem; }}
.summary {{ display: flex; gap: .75rem; margin: 1rem 0; flex-wrap: wrap; }}
.summary div {{ padding: .5rem .9rem; border-radius: .4rem; font-weight: 600; }}
.summary .n {{ font-size: 1.3rem; display: block; }}
.controls {{ display: flex; gap: 1rem; align-items: center; margin: 1rem 0; flex-wrap: wrap; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #d9dee7; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #eef1f6; cursor: pointer; user-select: none; position: sticky; top: 0; }}
th.asc::after {{ content: " ▲"; }} th.desc::after {{ content: " ▼"; }}
.tag {{ padding: .1rem .45rem; border-radius: .3rem; font-weight: 600; font-size: .8rem; }}
.added, label.added {{ background: #e6f6ea; }} tr.added .tag, .summary .added {{ background: #2f9e44; color: #fff; }}
.removed, label.removed {{ background: #fdecec; }} tr.removed .tag, .summary .removed {{ background: #d9363e; color: #fff; }}
.changed, label.changed {{ background: #fff6e0; }} tr.changed .tag, .summary .changed {{ background: #e8890c; color: #fff; }}
.renamed, label.renamed {{ background: #f1f3f5; }} tr.renamed .tag, .summary .renamed {{ background: #6c757d; color: #fff; }}
.summary .unchanged {{ background: #dee2e6; }}
label {{ padding: .2rem .5rem; border-radius: .3rem; }}
del {{ color: #b02a30; }} ins {{ color: #1f7a35; text-decoration: none; font-weight: 600; }}
.empty {{ padding: 1rem; color: #4a5568; }}
</style>
</head>
<body>
<h1>portolan diff</h1>
<div class="sources">old: <b>{old}</b> ({old_records} records) → new: <b>{new}</b> ({new_records} records)</div>
<div class="summary">
<div class="added"><span class="n">{added}</span>added</div>
<div class="removed"><span class="n">{removed}</span>removed</div>
<div class="changed"><span class="n">{changed}</span>changed</div>
<div class="renamed"><span class="n">{renamed}</span>renamed</div>
<div class="unchanged"><span class="n">{unchanged}</span>unchanged</div>
</div>
<div class="controls">
<label>product <select id="product"><option value="*">all products</option>{options}</select></label>
{checks}
<span id="shown"></span>
</div>
<table id="changes">
<thead><tr><th>kind</th><th>product</th><th>table</th><th>listener</th><th>port</th><th>transport</th><th>side</th><th>direction</th><th>what changed</th><th>old</th><th>new</th></tr></thead>
<tbody>
{rows}</tbody>
</table>
{empty}
<script>
(function () {{
  var tbody = document.querySelector('#changes tbody');
  var rows = Array.prototype.slice.call(tbody.rows);
  function filter() {{
    var product = document.getElementById('product').value;
    var kinds = {{}};
    document.querySelectorAll('input.kind').forEach(function (c) {{ kinds[c.value] = c.checked; }});
    var shown = 0;
    rows.forEach(function (r) {{
      var ok = kinds[r.dataset.kind] && (product === '*' || r.dataset.product === product);
      r.style.display = ok ? '' : 'none';
      if (ok) shown++;
    }});
    document.getElementById('shown').textContent = shown + ' of ' + rows.length + ' shown';
  }}
  document.getElementById('product').addEventListener('change', filter);
  document.querySelectorAll('input.kind').forEach(function (c) {{ c.addEventListener('change', filter); }});
  document.querySelectorAll('#changes th').forEach(function (th, col) {{
    th.addEventListener('click', function () {{
      var asc = !th.classList.contains('asc');
      document.querySelectorAll('#changes th').forEach(function (h) {{ h.classList.remove('asc', 'desc'); }});
      th.classList.add(asc ? 'asc' : 'desc');
      rows.sort(function (a, b) {{
        var x = a.cells[col].dataset.sort || a.cells[col].textContent;
        var y = b.cells[col].dataset.sort || b.cells[col].textContent;
        return (asc ? 1 : -1) * x.localeCompare(y, undefined, {{ numeric: true }});
      }});
      rows.forEach(function (r) {{ tbody.appendChild(r); }});
    }});
  }});
  filter();
}})();
</script>
</body>
</html>
"#,
        old = esc(&d.old.source),
        new = esc(&d.new.source),
        old_records = d.old.records,
        new_records = d.new.records,
        added = m.added,
        removed = m.removed,
        changed = m.changed,
        renamed = m.renamed,
        unchanged = m.unchanged,
        options = options,
        checks = checks,
        rows = rows,
        empty = if d.is_empty() {
            "<p class=\"empty\">No change.</p>"
        } else {
            ""
        },
    )
}

/// The report as JSON (schema in `schema/diff.schema.json`), newline-terminated.
pub fn render_json(d: &Diff) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(d).expect("a diff serializes");
    v.push(b'\n');
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(listener: &str, port: u16, transport: &str) -> PortRecord {
        PortRecord {
            product: "P".into(),
            document: "d".into(),
            table: "T".into(),
            row: 1,
            listener: listener.into(),
            transport: transport.into(),
            port_start: port,
            port_end: port,
            port_side: "local".into(),
            direction: "inbound".into(),
            source: "table".into(),
            ..Default::default()
        }
    }

    fn kinds(d: &Diff) -> Vec<(Kind, Vec<String>)> {
        d.changes
            .iter()
            .map(|c| (c.kind, c.fields.iter().map(|f| f.field.clone()).collect()))
            .collect()
    }

    #[test]
    fn moved_rows_and_new_notes_are_no_change() {
        let old = vec![rec("HTTPS", 443, "tcp"), rec("SSH", 22, "tcp")];
        let mut new = vec![rec("SSH", 22, "tcp"), rec("HTTPS", 443, "tcp")];
        new[0].table = "Another table".into();
        new[0].row = 7;
        new[1].notes = "Reworded.".into();
        let d = diff(&old, &new, "a", "b", Fields::Semantic);
        assert!(d.is_empty(), "{:?}", kinds(&d));
        assert_eq!(d.summary.unchanged, 2);
        // every field counts for golden files
        let d = diff(&old, &new, "a", "b", Fields::All);
        assert_eq!(d.summary.changed, 2);
    }

    #[test]
    fn field_changes_are_changes_of_that_field() {
        let mut r = rec("RTP", 16384, "udp");
        r.port_end = 32767;
        let old = vec![r.clone(), rec("DNS", 53, "udp"), rec("SIP", 5060, "tcp")];
        let mut grown = r.clone();
        grown.port_end = 32768;
        let mut sip = rec("SIP", 5060, "tcp");
        sip.direction = "bidirectional".into();
        sip.configurable = true;
        let new = vec![grown, rec("DNS", 53, "udp"), rec("DNS", 53, "tcp"), sip];
        let d = diff(&old, &new, "a", "b", Fields::Semantic);
        assert_eq!(
            kinds(&d),
            vec![
                (Kind::Changed, vec!["port".to_string()]),
                (Kind::Changed, vec!["transport".to_string()]),
                (
                    Kind::Changed,
                    vec!["direction".to_string(), "configurable".to_string()]
                ),
            ]
        );
    }

    #[test]
    fn duplicates_are_aligned_not_collapsed() {
        let old = vec![
            rec("A", 443, "tcp"),
            rec("B", 443, "tcp"),
            rec("B", 443, "tcp"),
        ];
        let new = vec![rec("A", 443, "tcp"), rec("B", 443, "tcp")];
        let mut new2 = new.clone();
        for (i, r) in new2.iter_mut().enumerate() {
            r.row = i as u32 + 1;
        }
        let mut old2 = old.clone();
        for (i, r) in old2.iter_mut().enumerate() {
            r.row = i as u32 + 1;
        }
        let d = diff(&old2, &new2, "a", "b", Fields::Semantic);
        assert_eq!(kinds(&d), vec![(Kind::Removed, vec![])]);
        assert_eq!(d.summary.unchanged, 2);
    }

    #[test]
    fn renamed_listeners_and_renumbered_ports() {
        let old = vec![
            rec("Web Proxy Service", 8445, "tcp"),
            rec("Tomcat", 8080, "tcp"),
        ];
        let new = vec![
            rec("Cisco Web Proxy Service", 8445, "tcp"),
            rec("Tomcat", 8443, "tcp"),
        ];
        let d = diff(&old, &new, "a", "b", Fields::Semantic);
        assert_eq!(
            kinds(&d),
            vec![
                (Kind::Changed, vec!["port".to_string()]),
                (Kind::Renamed, vec!["listener".to_string()]),
            ]
        );
    }
}
