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
//!
//! Cost: each pass sorts the entries left on each side by what it compares, so only entries of
//! one key ever meet, and the keys are computed once per entry: `n log n` in all. Within a key,
//! pass 3 finds the first overlapping range with two segment trees over the port numbers once a
//! group is larger than [`SCAN_PAIRS`], and pass 4 scores every pair of a group up to
//! [`RENAME_PAIRS`] pairs; past that (thousands of entries with one port and all different
//! listeners) each old entry is scored against the [`RENAME_WINDOW`] new entries on either side
//! of its place in the group, so the pass stays linear. The records are borrowed, not copied;
//! only the entries of the changes reported are.

use crate::emit::md_cell as md;
use crate::normalize::key;
use crate::record::{port_range_text, PortRecord};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

pub const DIFF_SCHEMA_VERSION: u32 = 2;

/// A pass-3 group (one listener and transports) with more old x new pairs than this is searched
/// with segment trees instead of pair by pair.
pub const SCAN_PAIRS: usize = 4096;
/// A pass-4 group (one port range, transports, side and qualifier) with up to this many old x
/// new pairs has every pair scored.
pub const RENAME_PAIRS: usize = 1 << 18;
/// In a larger pass-4 group, how many new entries on either side of an old entry's place (its
/// rank in the group, scaled to the new side) it is scored against.
pub const RENAME_WINDOW: usize = 128;

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
    pub host: String,
    pub peer: String,
    pub source: String,
    pub destination: String,
    pub notes: String,
    /// How the records were found (`table`, `prose`, ...).
    pub origin: String,
    /// The ids of the records behind the entry.
    pub ids: Vec<String>,
    /// Position in its dataset, for pairing duplicates in order.
    #[serde(skip)]
    order: usize,
}

impl Entry {
    fn of(s: &Slot, order: usize) -> Entry {
        let r = s.first();
        Entry {
            product: r.product.clone(),
            document: r.document.clone(),
            table: r.table.clone(),
            section: r.section.clone(),
            row: r.row,
            page: r.page,
            listener: r.listener.clone(),
            transports: s.transports.iter().map(|t| t.to_string()).collect(),
            port_start: r.port_start,
            port_end: r.port_end,
            port_side: r.port_side.clone(),
            direction: r.direction.clone(),
            qualifier: r.qualifier.clone(),
            default_port: r.default_port,
            configurable: r.configurable,
            host: r.host.clone(),
            peer: r.peer.clone(),
            source: r.source.clone(),
            destination: r.destination.clone(),
            notes: r.notes.clone(),
            origin: r.origin.clone(),
            ids: s.records.iter().map(|r| r.id.clone()).collect(),
            order,
        }
    }
    pub fn port_text(&self) -> String {
        port_range_text(self.port_start, self.port_end)
    }
    pub fn transport_text(&self) -> String {
        transport_text(&self.transports)
    }
    /// "document p.3 row 2" (page only when the document has pages).
    pub fn place(&self) -> String {
        let mut s = self.document.clone();
        if let Some(p) = self.page {
            let _ = write!(s, " p.{p}");
        }
        if self.origin == "prose" {
            let _ = write!(s, " prose #{}", self.row);
        } else {
            let _ = write!(s, " row {}", self.row);
        }
        s
    }
}

/// "tcp+udp", or "?" when no record says.
fn transport_text<S: AsRef<str>>(transports: &[S]) -> String {
    if transports.iter().all(|t| t.as_ref().is_empty()) {
        "?".into()
    } else {
        transports
            .iter()
            .map(|t| t.as_ref())
            .collect::<Vec<_>>()
            .join("+")
    }
}

/// A listener as the passes compare it: case, accents and spaces aside.
fn listener_key(listener: &str) -> String {
    crate::record::loose(listener)
}

/// An entry while the datasets are paired: its records, borrowed, and what the passes compare,
/// computed once.
struct Slot<'a> {
    records: Vec<&'a PortRecord>,
    /// Sorted.
    transports: Vec<&'a str>,
    listener_key: String,
    qualifier_key: String,
}

impl<'a> Slot<'a> {
    fn first(&self) -> &'a PortRecord {
        self.records[0]
    }
}

/// Where a record is and which port it names, apart from its transport.
type SlotKey<'a> = (
    &'a str,
    u32,
    &'a str,
    &'a str,
    u32,
    u16,
    u16,
    &'a str,
    &'a str,
);

/// Groups records into entries, in their order: a record joins the last entry of its place and
/// port when it has that entry's listener and a transport the entry lacks.
fn slots(records: &[PortRecord]) -> Vec<Slot<'_>> {
    let mut out: Vec<Slot> = Vec::new();
    let mut index: HashMap<SlotKey, usize> = HashMap::new();
    for r in records {
        let k = (
            r.document.as_str(),
            r.table_index,
            r.table.as_str(),
            r.origin.as_str(),
            r.row,
            r.port_start,
            r.port_end,
            r.port_side.as_str(),
            r.qualifier.as_str(),
        );
        if let Some(&i) = index.get(&k) {
            let s = &mut out[i];
            if s.first().listener == r.listener && !s.transports.contains(&r.transport.as_str()) {
                s.transports.push(&r.transport);
                s.transports.sort();
                s.records.push(r);
                continue;
            }
        }
        index.insert(k, out.len());
        out.push(Slot {
            records: vec![r],
            transports: vec![&r.transport],
            listener_key: listener_key(&r.listener),
            qualifier_key: key(&r.qualifier),
        });
    }
    out
}

/// Groups records into entries, in their order.
pub fn entries(records: &[PortRecord]) -> Vec<Entry> {
    slots(records)
        .iter()
        .enumerate()
        .map(|(i, s)| Entry::of(s, i))
        .collect()
}

/// Changes of one table, and the tables of one product, in report order.
type TableGroup<'a> = (String, Vec<&'a Change>);
type ProductGroup<'a> = (String, Vec<TableGroup<'a>>);

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

fn field_changes(a: &Slot, b: &Slot, fields: Fields) -> Vec<FieldChange> {
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
    let (ra, rb) = (a.first(), b.first());
    match fields {
        Fields::Semantic => {
            push(
                "port",
                port_range_text(ra.port_start, ra.port_end),
                port_range_text(rb.port_start, rb.port_end),
            );
            push(
                "transport",
                transport_text(&a.transports),
                transport_text(&b.transports),
            );
            push("port_side", ra.port_side.clone(), rb.port_side.clone());
            push("direction", ra.direction.clone(), rb.direction.clone());
            // who talks to whom is what a firewall rule is made of; a party written with other
            // spaces or case is the same party
            for (field, old, new) in [
                ("host", &ra.host, &rb.host),
                ("peer", &ra.peer, &rb.peer),
                ("source", &ra.source, &rb.source),
                ("destination", &ra.destination, &rb.destination),
            ] {
                if listener_key(old) != listener_key(new) {
                    push(field, old.clone(), new.clone());
                }
            }
            push(
                "default_port",
                ra.default_port.to_string(),
                rb.default_port.to_string(),
            );
            push(
                "configurable",
                ra.configurable.to_string(),
                rb.configurable.to_string(),
            );
            // a listener written with other spaces or case is the same listener
            if a.listener_key != b.listener_key {
                push("listener", ra.listener.clone(), rb.listener.clone());
            }
        }
        Fields::All => {
            push(
                "transport",
                transport_text(&a.transports),
                transport_text(&b.transports),
            );
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

/// Character bigrams of a text's key, sorted and without repeats, for telling how alike two
/// names are.
fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = key(s).chars().filter(|c| !c.is_whitespace()).collect();
    let mut v: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The Jaccard index of two bigram sets (0 when both are empty).
fn alike(x: &[(char, char)], y: &[(char, char)]) -> f64 {
    if x.is_empty() && y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (x.len() + y.len() - inter) as f64
}

/// Pairs made so far, and what is left on each side.
struct Matching {
    old_left: Vec<bool>,
    new_left: Vec<bool>,
    pairs: Vec<(usize, usize)>,
}

impl Matching {
    fn take(&mut self, i: usize, j: usize) {
        self.old_left[i] = false;
        self.new_left[j] = false;
        self.pairs.push((i, j));
    }
}

/// The entries left on one side, with the key a pass gives them (none: the pass skips the
/// entry), sorted by key, then by position.
fn by_key<'s, K: Ord>(
    slots: &'s [Slot],
    left: &[bool],
    key: impl Fn(&'s Slot) -> Option<K>,
) -> Vec<(K, usize)> {
    let mut v: Vec<(K, usize)> = slots
        .iter()
        .enumerate()
        .filter(|(i, _)| left[*i])
        .filter_map(|(i, s)| key(s).map(|k| (k, i)))
        .collect();
    v.sort_unstable();
    v
}

/// Calls `f` with the old and the new entries (positions, in order) of each key both sides
/// have.
fn each_group<K: Ord>(
    old: &[(K, usize)],
    new: &[(K, usize)],
    mut f: impl FnMut(Vec<usize>, Vec<usize>),
) {
    let (mut x, mut y) = (0, 0);
    while x < old.len() && y < new.len() {
        match old[x].0.cmp(&new[y].0) {
            Ordering::Less => x += 1,
            Ordering::Greater => y += 1,
            Ordering::Equal => {
                let k = &old[x].0;
                let xe = x + old[x..].iter().take_while(|e| e.0 == *k).count();
                let ye = y + new[y..].iter().take_while(|e| e.0 == *k).count();
                let ids = |v: &[(K, usize)]| v.iter().map(|e| e.1).collect();
                f(ids(&old[x..xe]), ids(&new[y..ye]));
                (x, y) = (xe, ye);
            }
        }
    }
}

/// The leaves of the segment trees over port numbers: node `PORTS + p` is port `p`, node `n`
/// covers nodes `2n` and `2n + 1`.
const PORTS: usize = 1 << 16;

/// Entry positions per tree node, ascending, with the place of the first one still left.
#[derive(Default)]
struct Lists(HashMap<usize, (usize, Vec<usize>)>);

impl Lists {
    fn add(&mut self, node: usize, j: usize) {
        self.0.entry(node).or_default().1.push(j);
    }
    /// The first entry of a node that is still left (those taken never come back).
    fn first(&mut self, node: usize, left: &[bool]) -> Option<usize> {
        let (at, v) = self.0.get_mut(&node)?;
        while *at < v.len() && !left[v[*at]] {
            *at += 1;
        }
        v.get(*at).copied()
    }
}

/// Calls `f` with the nodes that cover ports `lo..=hi` exactly.
fn cover(lo: usize, hi: usize, mut f: impl FnMut(usize)) {
    let (mut l, mut r) = (PORTS + lo, PORTS + hi + 1);
    while l < r {
        if l & 1 == 1 {
            f(l);
            l += 1;
        }
        if r & 1 == 1 {
            r -= 1;
            f(r);
        }
        l >>= 1;
        r >>= 1;
    }
}

/// Pass 3 within one group (the same listener and transports): each old entry in order takes
/// the first new entry left whose range overlaps its own. A range overlaps `a..=b` when it
/// holds `a`, or starts in `a+1..=b`; `spans` (each range on the nodes that cover it) answers
/// the first, `starts` (each range on every node above its first port) the second, both in
/// `log` steps. A small group, or one with a backwards range, is scanned pair by pair.
fn overlapping(
    (old, new): (&[usize], &[usize]),
    o: &[Slot],
    n: &[Slot],
    m: &mut Matching,
    scan_pairs: usize,
) {
    let range = |s: &Slot| (s.first().port_start as usize, s.first().port_end as usize);
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 <= b.1 && b.0 <= a.1;
    let proper = |s: &Slot| range(s).0 <= range(s).1;
    if old.len() * new.len() <= scan_pairs
        || !old.iter().all(|&i| proper(&o[i]))
        || !new.iter().all(|&j| proper(&n[j]))
    {
        for &i in old {
            let a = range(&o[i]);
            if let Some(&j) = new
                .iter()
                .find(|&&j| m.new_left[j] && overlaps(a, range(&n[j])))
            {
                m.take(i, j);
            }
        }
        return;
    }
    let (mut spans, mut starts) = (Lists::default(), Lists::default());
    for &j in new {
        let (lo, hi) = range(&n[j]);
        cover(lo, hi, |x| spans.add(x, j));
        let mut x = PORTS + lo;
        while x >= 1 {
            starts.add(x, j);
            x >>= 1;
        }
    }
    for &i in old {
        let (lo, hi) = range(&o[i]);
        let mut best: Option<usize> = None;
        let mut see = |j: Option<usize>| {
            if let Some(j) = j {
                best = Some(best.map_or(j, |b| b.min(j)));
            }
        };
        let mut x = PORTS + lo;
        while x >= 1 {
            see(spans.first(x, &m.new_left));
            x >>= 1;
        }
        if lo < hi {
            cover(lo + 1, hi, |x| see(starts.first(x, &m.new_left)));
        }
        if let Some(j) = best {
            m.take(i, j);
        }
    }
}

/// Pass 4 within one group (the same port range, transports, side and qualifier): pairs scored
/// by how alike their listeners and notes are, the most alike first, then in order.
fn renamed(old: &[usize], new: &[usize], o: &[Slot], n: &[Slot], m: &mut Matching) {
    if let ([i], [j]) = (old, new) {
        m.take(*i, *j);
        return;
    }
    let grams = |s: &Slot| (bigrams(&s.first().listener), bigrams(&s.first().notes));
    let ga: Vec<_> = old.iter().map(|&i| grams(&o[i])).collect();
    let gb: Vec<_> = new.iter().map(|&j| grams(&n[j])).collect();
    // the new entries each old one is scored against: all, or a window around its place
    let window = |x: usize| -> std::ops::Range<usize> {
        if old.len() * new.len() <= RENAME_PAIRS {
            return 0..new.len();
        }
        let at = x * new.len() / old.len();
        at.saturating_sub(RENAME_WINDOW)..(at + RENAME_WINDOW + 1).min(new.len())
    };
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (x, a) in ga.iter().enumerate() {
        for y in window(x) {
            let b = &gb[y];
            let score = alike(&a.0, &b.0) + alike(&a.1, &b.1);
            candidates.push((score, old[x], new[y]));
        }
    }
    candidates.sort_by(|x, y| {
        y.0.partial_cmp(&x.0)
            .unwrap_or(Ordering::Equal)
            .then(x.1.cmp(&y.1))
            .then(x.2.cmp(&y.2))
    });
    for (_, i, j) in candidates {
        if m.old_left[i] && m.new_left[j] {
            m.take(i, j);
        }
    }
}

/// What each pass compares: entries pair only within one key. Every key starts with the
/// product and the kind of source (table or prose).
mod keys {
    use super::Slot;

    fn place<'s>(s: &'s Slot) -> (&'s str, &'s str) {
        (s.first().product.as_str(), s.first().origin.as_str())
    }
    fn range(s: &Slot) -> (u16, u16) {
        (s.first().port_start, s.first().port_end)
    }
    pub fn exact<'s>(s: &'s Slot) -> Option<impl Ord + 's> {
        let r = s.first();
        Some((
            place(s),
            s.listener_key.as_str(),
            range(s),
            &s.transports[..],
            r.port_side.as_str(),
            r.qualifier.as_str(),
        ))
    }
    pub fn listener_range<'s>(s: &'s Slot) -> Option<impl Ord + 's> {
        Some((
            place(s),
            s.listener_key.as_str(),
            range(s),
            s.qualifier_key.as_str(),
        ))
    }
    pub fn listener_transports<'s>(s: &'s Slot) -> Option<impl Ord + 's> {
        Some((place(s), s.listener_key.as_str(), &s.transports[..]))
    }
    pub fn port<'s>(s: &'s Slot) -> Option<impl Ord + 's> {
        Some((
            place(s),
            range(s),
            &s.transports[..],
            s.first().port_side.as_str(),
            s.qualifier_key.as_str(),
        ))
    }
    pub fn listener<'s>(s: &'s Slot) -> Option<impl Ord + 's> {
        (!s.listener_key.is_empty()).then(|| (place(s), s.listener_key.as_str()))
    }
}

/// The five passes (see the module's documentation). Entries of different keys never pair and
/// the pairs of a key depend on its own entries only, so pairing group by group is the same as
/// trying every pair in order.
/// `scan_pairs` is [`SCAN_PAIRS`] but in tests.
fn pair_up(o: &[Slot], n: &[Slot], scan_pairs: usize) -> Matching {
    let mut m = Matching {
        old_left: vec![true; o.len()],
        new_left: vec![true; n.len()],
        pairs: Vec::new(),
    };
    let (a, b) = (
        by_key(o, &m.old_left, keys::exact),
        by_key(n, &m.new_left, keys::exact),
    );
    each_group(&a, &b, |x, y| {
        x.iter().zip(&y).for_each(|(&i, &j)| m.take(i, j))
    });
    // 2. the same listener, port range and qualifier key
    let (a, b) = (
        by_key(o, &m.old_left, keys::listener_range),
        by_key(n, &m.new_left, keys::listener_range),
    );
    each_group(&a, &b, |x, y| {
        x.iter().zip(&y).for_each(|(&i, &j)| m.take(i, j))
    });
    // 3. the same listener and transports, overlapping ranges
    let (a, b) = (
        by_key(o, &m.old_left, keys::listener_transports),
        by_key(n, &m.new_left, keys::listener_transports),
    );
    each_group(&a, &b, |x, y| {
        overlapping((&x, &y), o, n, &mut m, scan_pairs)
    });
    // 4. renamed listeners: the same port range, transports, side and qualifier key
    let (a, b) = (
        by_key(o, &m.old_left, keys::port),
        by_key(n, &m.new_left, keys::port),
    );
    each_group(&a, &b, |x, y| renamed(&x, &y, o, n, &mut m));
    // 5. a renumbered port: the only entry left of a listener on each side
    let (a, b) = (
        by_key(o, &m.old_left, keys::listener),
        by_key(n, &m.new_left, keys::listener),
    );
    each_group(&a, &b, |x, y| {
        if let ([i], [j]) = (&x[..], &y[..]) {
            m.take(*i, *j);
        }
    });
    m
}

/// Compares two datasets.
pub fn diff(
    old: &[PortRecord],
    new: &[PortRecord],
    old_source: &str,
    new_source: &str,
    fields: Fields,
) -> Diff {
    let (so, sn) = (slots(old), slots(new));
    let m = pair_up(&so, &sn, SCAN_PAIRS);
    let mut d = Diff {
        schema_version: DIFF_SCHEMA_VERSION,
        old: Side {
            source: old_source.into(),
            records: old.len(),
            entries: so.len(),
        },
        new: Side {
            source: new_source.into(),
            records: new.len(),
            entries: sn.len(),
        },
        summary: Summary::default(),
        changes: Vec::new(),
    };
    for &(i, j) in &m.pairs {
        let fields = field_changes(&so[i], &sn[j], fields);
        if fields.is_empty() {
            d.summary.unchanged += 1;
            continue;
        }
        let kind = if fields.iter().all(|f| f.field == "listener") {
            Kind::Renamed
        } else {
            Kind::Changed
        };
        let (a, b) = (Entry::of(&so[i], i), Entry::of(&sn[j], j));
        d.changes.push(Change {
            kind,
            product: b.product.clone(),
            table: b.table.clone(),
            listener: b.listener.clone(),
            old: Some(a),
            new: Some(b),
            fields,
        });
    }
    let unpaired = |kind: Kind, e: Entry| {
        let (product, table, listener) = (e.product.clone(), e.table.clone(), e.listener.clone());
        let (old, new) = match kind {
            Kind::Removed => (Some(e), None),
            _ => (None, Some(e)),
        };
        Change {
            kind,
            product,
            table,
            listener,
            old,
            new,
            fields: Vec::new(),
        }
    };
    let left = |slots: &[Slot], left: &[bool], kind: Kind| -> Vec<Change> {
        (0..slots.len())
            .filter(|&i| left[i])
            .map(|i| unpaired(kind, Entry::of(&slots[i], i)))
            .collect()
    };
    d.changes.extend(left(&so, &m.old_left, Kind::Removed));
    d.changes.extend(left(&sn, &m.new_left, Kind::Added));
    // canonical order: kind, product, then where the entry is (no two changes of one kind have
    // one place)
    fn at(c: &Change) -> (Kind, &str, &str, usize, u16) {
        let e = c.new.as_ref().or(c.old.as_ref()).expect("a side");
        (c.kind, &e.product, &e.document, e.order, e.port_start)
    }
    d.changes.sort_by(|x, y| at(x).cmp(&at(y)));
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
            origin: "table".into(),
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

    /// The passes as they are defined: every old entry in order against every new one left.
    fn pairs_by_definition(eo: &[Slot], en: &[Slot]) -> Vec<(usize, usize)> {
        let mut old_left = vec![true; eo.len()];
        let mut new_left = vec![true; en.len()];
        let mut pairs = Vec::new();
        let r = |s: &Slot| s.first().clone();
        let same_place =
            |a: &Slot, b: &Slot| (&r(a).product, &r(a).origin) == (&r(b).product, &r(b).origin);
        type Pass = fn(&Slot, &Slot) -> bool;
        let passes: [Pass; 3] = [
            |a, b| {
                let (x, y) = (a.first(), b.first());
                a.listener_key == b.listener_key
                    && (x.port_start, x.port_end) == (y.port_start, y.port_end)
                    && a.transports == b.transports
                    && x.port_side == y.port_side
                    && x.qualifier == y.qualifier
            },
            |a, b| {
                let (x, y) = (a.first(), b.first());
                a.listener_key == b.listener_key
                    && (x.port_start, x.port_end) == (y.port_start, y.port_end)
                    && key(&x.qualifier) == key(&y.qualifier)
            },
            |a, b| {
                let (x, y) = (a.first(), b.first());
                a.listener_key == b.listener_key
                    && a.transports == b.transports
                    && x.port_start <= y.port_end
                    && y.port_start <= x.port_end
            },
        ];
        for pass in passes {
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
        // bigrams as sets, the Jaccard index from set operations
        let set_alike = |a: &str, b: &str| {
            let grams = |s: &str| -> std::collections::BTreeSet<(char, char)> {
                let c: Vec<char> = key(s).chars().filter(|c| !c.is_whitespace()).collect();
                c.windows(2).map(|w| (w[0], w[1])).collect()
            };
            let (x, y) = (grams(a), grams(b));
            if x.is_empty() && y.is_empty() {
                return 0.0;
            }
            let inter = x.intersection(&y).count();
            inter as f64 / (x.len() + y.len() - inter) as f64
        };
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for (i, a) in eo.iter().enumerate() {
            for (j, b) in en.iter().enumerate() {
                let (x, y) = (a.first(), b.first());
                if old_left[i]
                    && new_left[j]
                    && same_place(a, b)
                    && (x.port_start, x.port_end, &a.transports, &x.port_side)
                        == (y.port_start, y.port_end, &b.transports, &y.port_side)
                    && key(&x.qualifier) == key(&y.qualifier)
                {
                    let score = set_alike(&x.listener, &y.listener) + set_alike(&x.notes, &y.notes);
                    candidates.push((score, i, j));
                }
            }
        }
        candidates.sort_by(|x, y| {
            y.0.partial_cmp(&x.0)
                .unwrap_or(Ordering::Equal)
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
        let left_of = |v: &[Slot], left: &[bool], e: &Slot| -> Vec<usize> {
            (0..v.len())
                .filter(|&k| left[k] && same_place(&v[k], e) && v[k].listener_key == e.listener_key)
                .collect()
        };
        for i in 0..eo.len() {
            if !old_left[i] || eo[i].listener_key.is_empty() {
                continue;
            }
            let (os, ns) = (
                left_of(eo, &old_left, &eo[i]),
                left_of(en, &new_left, &eo[i]),
            );
            if os.len() == 1 && ns.len() == 1 {
                old_left[i] = false;
                new_left[ns[0]] = false;
                pairs.push((i, ns[0]));
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// A small deterministic generator (xorshift), so a failure can be replayed by its seed.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn pick<'s>(&mut self, v: &[&'s str]) -> &'s str {
            v[self.below(v.len())]
        }
    }

    /// Records drawn from few values, so that every pass has work: listeners that differ by
    /// case, spaces or a word, ranges that overlap, empty transports, backwards ranges.
    fn random_records(rng: &mut Rng, n: usize) -> Vec<PortRecord> {
        let listeners = [
            "Web Proxy",
            "web  proxy",
            "Cisco Web Proxy",
            "Proxy",
            "SSH",
            "SSH Server",
            "",
            "Tomcat",
        ];
        let mut out = Vec::new();
        for k in 0..n {
            let start = 440 + rng.below(6) as u16;
            let end = match rng.below(5) {
                0 => start + rng.below(4) as u16,
                1 => start.saturating_sub(1),
                _ => start,
            };
            let mut r = rec(rng.pick(&listeners), start, rng.pick(&["tcp", "udp", ""]));
            r.port_end = end;
            r.product = rng.pick(&["P", "Q"]).into();
            r.origin = rng.pick(&["table", "table", "prose"]).into();
            r.port_side = rng.pick(&["local", "remote", ""]).into();
            r.qualifier = rng.pick(&["", "", "TLS", "tls"]).into();
            r.notes = rng
                .pick(&[
                    "",
                    "Proxy notes",
                    "Other",
                    "Web Proxy",
                    "SSH tunnel",
                    "Tomcat SSH",
                ])
                .into();
            r.row = rng.below(4) as u32;
            r.id = format!("r{k}");
            out.push(r);
        }
        out
    }

    #[test]
    fn indexed_passes_pair_as_the_definition_does() {
        for seed in 1..400u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let (a, b) = (rng.below(40), rng.below(40));
            let (old, new) = (random_records(&mut rng, a), random_records(&mut rng, b));
            let (so, sn) = (slots(&old), slots(&new));
            let want = pairs_by_definition(&so, &sn);
            // the segment trees of pass 3 for every group, and the scan for none
            for scan_pairs in [0, SCAN_PAIRS] {
                let mut got = pair_up(&so, &sn, scan_pairs).pairs;
                got.sort_unstable();
                assert_eq!(got, want, "seed {seed}, scan_pairs {scan_pairs}");
            }
        }
    }

    #[test]
    fn entries_group_by_place_and_port_as_defined() {
        let mut rng = Rng(7);
        let records = random_records(&mut rng, 300);
        // the definition: a record joins the last entry with its place and port when it has its
        // listener and a transport the entry lacks
        let mut want: Vec<Vec<String>> = Vec::new();
        let mut last: BTreeMap<String, usize> = BTreeMap::new();
        for r in &records {
            let k = format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}",
                r.document,
                r.table_index,
                r.table,
                r.origin,
                r.row,
                r.port_start,
                r.port_end,
                r.port_side,
                r.qualifier
            );
            if let Some(&i) = last.get(&k) {
                let first = records.iter().find(|x| x.id == want[i][0]).unwrap();
                let has = want[i].iter().any(|id| {
                    records.iter().find(|x| x.id == *id).unwrap().transport == r.transport
                });
                if first.listener == r.listener && !has {
                    want[i].push(r.id.clone());
                    continue;
                }
            }
            last.insert(k, want.len());
            want.push(vec![r.id.clone()]);
        }
        let got: Vec<Vec<String>> = entries(&records).into_iter().map(|e| e.ids).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_large_group_of_renamed_listeners_pairs_by_place_in_linear_time() {
        // 3,000 listeners on one port, each renamed: far past RENAME_PAIRS
        let n = 3000;
        let old: Vec<PortRecord> = (0..n)
            .map(|k| rec(&format!("Service {k}"), 443, "tcp"))
            .collect();
        let new: Vec<PortRecord> = (0..n)
            .map(|k| rec(&format!("Service {k} v2"), 443, "tcp"))
            .collect();
        assert!(n * n > RENAME_PAIRS);
        let d = diff(&old, &new, "a", "b", Fields::Semantic);
        assert_eq!(d.summary.renamed, n);
        for c in &d.changes {
            let (a, b) = (c.old.as_ref().unwrap(), c.new.as_ref().unwrap());
            assert_eq!(format!("{} v2", a.listener), b.listener);
        }
    }
}
