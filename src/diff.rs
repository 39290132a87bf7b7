//! Record-level differences between two datasets: which records were added, removed or changed,
//! field by field. The golden-file test prints this instead of a wall of text.

use crate::record::PortRecord;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// One changed field: (field name, old value, new value).
pub type FieldChange = (String, String, String);

#[derive(Debug, Default)]
pub struct RecordDiff {
    pub added: Vec<PortRecord>,
    pub removed: Vec<PortRecord>,
    /// (old, new, [(field, old value, new value)])
    pub changed: Vec<(PortRecord, PortRecord, Vec<FieldChange>)>,
}

impl RecordDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn fields(r: &PortRecord) -> BTreeMap<String, String> {
    let Value::Object(m) = serde_json::to_value(r).expect("record serializes") else {
        unreachable!()
    };
    m.into_iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s,
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, s)
        })
        .collect()
}

fn field_changes(a: &PortRecord, b: &PortRecord) -> Vec<FieldChange> {
    let (fa, fb) = (fields(a), fields(b));
    fa.iter()
        .filter(|(k, v)| *k != "id" && fb.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone(), fb.get(k).cloned().unwrap_or_default()))
        .collect()
}

/// Pairs records of `old` and `new`: first those with the same place and port, then what is left
/// in the same table row, in order. Everything else is added or removed.
pub fn diff_records(old: &[PortRecord], new: &[PortRecord]) -> RecordDiff {
    let exact = |r: &PortRecord| {
        (
            r.document.clone(),
            r.table.clone(),
            r.row,
            r.port_start,
            r.port_end,
            r.transport.clone(),
            r.qualifier.clone(),
        )
    };
    let mut d = RecordDiff::default();
    let mut new_left: Vec<Option<&PortRecord>> = new.iter().map(Some).collect();
    let mut old_left: Vec<&PortRecord> = Vec::new();
    for o in old {
        let k = exact(o);
        if let Some(slot) = new_left
            .iter_mut()
            .find(|n| n.is_some_and(|n| exact(n) == k))
        {
            let n = slot.take().unwrap();
            let ch = field_changes(o, n);
            if !ch.is_empty() {
                d.changed.push((o.clone(), n.clone(), ch));
            }
        } else {
            old_left.push(o);
        }
    }
    for o in old_left {
        let row = (&o.document, &o.table, o.row);
        if let Some(slot) = new_left
            .iter_mut()
            .find(|n| n.is_some_and(|n| (&n.document, &n.table, n.row) == row))
        {
            let n = slot.take().unwrap();
            d.changed.push((o.clone(), n.clone(), field_changes(o, n)));
        } else {
            d.removed.push(o.clone());
        }
    }
    d.added = new_left.into_iter().flatten().cloned().collect();
    d
}

fn describe(r: &PortRecord) -> String {
    let port = if r.port_start == r.port_end {
        r.port_start.to_string()
    } else {
        format!("{}-{}", r.port_start, r.port_end)
    };
    format!(
        "{} | table \"{}\" row {} | {} {} {} | listener \"{}\"",
        r.document,
        r.table,
        r.row,
        if r.transport.is_empty() {
            "?"
        } else {
            &r.transport
        },
        port,
        r.port_side,
        r.listener
    )
}

/// A readable report of a diff (empty string when there is no difference).
pub fn render(d: &RecordDiff, old_name: &str, new_name: &str) -> String {
    let mut s = String::new();
    if d.is_empty() {
        return s;
    }
    let _ = writeln!(
        s,
        "{} added, {} removed, {} changed ({old_name} -> {new_name})",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for r in &d.removed {
        let _ = writeln!(s, "  - removed: {}", describe(r));
    }
    for r in &d.added {
        let _ = writeln!(s, "  + added:   {}", describe(r));
    }
    for (o, _, ch) in &d.changed {
        let _ = writeln!(s, "  ~ changed: {}", describe(o));
        for (f, a, b) in ch {
            let _ = writeln!(s, "      {f}: {a:?} -> {b:?}");
        }
    }
    s
}
