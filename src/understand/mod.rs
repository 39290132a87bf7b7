//! Understanding is format-blind: it reads a [`Document`] and returns records. Tables (find,
//! merge, roles, rows), the port-cell grammar, and port mentions in prose.

pub mod cells;
pub mod prose;
pub mod stream;
pub mod tables;

use crate::document::{Block, Document};
use crate::normalize::{key, take_marks};
use crate::record::PortRecord;
use crate::vocab::vocab;
use std::collections::BTreeMap;

/// Footnote definitions of a document: mark -> (default_port, configurable).
#[derive(Debug, Default, Clone)]
pub struct Footnotes(BTreeMap<String, (bool, bool)>);

impl Footnotes {
    pub fn from_document(doc: &Document) -> Footnotes {
        let v = vocab();
        let mut map = BTreeMap::new();
        for b in &doc.blocks {
            let (Block::Note { text, .. } | Block::Paragraph { text, .. }) = b else {
                continue;
            };
            let t = text.trim_start();
            // "¹The ports ...", "* To configure ...", "† ... default", "1 The ports ..." (PDF dumps)
            let starts_with_mark = t.starts_with([
                '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '*', '†', '‡', '§', '＊',
            ]) || t.starts_with("\\*");
            let (mark, rest) = if starts_with_mark {
                let (rest, marks) = take_marks(t);
                match marks.into_iter().next() {
                    Some(m) => (m, rest),
                    None => continue,
                }
            } else {
                let mut chars = t.chars();
                match (chars.next(), chars.next()) {
                    (Some(d @ '1'..='9'), Some(' ')) => (d.to_string(), t[2..].to_string()),
                    _ => continue,
                }
            };
            let k = key(&rest);
            let d = v.footnote_default.found_in(&k);
            let c = v.footnote_configurable.found_in(&k);
            if d || c {
                map.entry(mark).or_insert((d, c));
            }
        }
        Footnotes(map)
    }

    pub fn flags(&self, mark: &str) -> (bool, bool) {
        self.0.get(mark).copied().unwrap_or((false, false))
    }
}

/// The result of understanding one document.
pub struct Understood {
    pub records: Vec<PortRecord>,
    /// The text of each table (header and cells, at most a few KB), by table index, for
    /// telling a table's language.
    pub table_samples: Vec<String>,
    pub tables: usize,
    pub port_tables: usize,
    pub warnings: Vec<String>,
}

pub fn understand(doc: &Document) -> Understood {
    let footnotes = Footnotes::from_document(doc);
    let found = tables::collect_tables(doc);
    let mut out = Understood {
        records: Vec::new(),
        table_samples: found.iter().map(|t| t.text_sample(4096)).collect(),
        tables: found.len(),
        port_tables: 0,
        warnings: Vec::new(),
    };
    for (i, t) in found.iter().enumerate() {
        let r = tables::table_records(t, i as u32, &footnotes);
        if r.is_port_table {
            out.port_tables += 1;
        }
        out.records.extend(r.records);
        out.warnings.extend(r.warnings);
    }
    let prose = prose::prose_records(doc, &out.records);
    out.records.extend(prose);
    out
}
