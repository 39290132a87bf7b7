//! Understanding is format-blind: it reads a [`Document`] and returns records. Tables (find,
//! merge, roles, rows), the port-cell grammar, and port mentions in prose.

pub mod cells;
pub mod commands;
pub mod flow;
pub mod prose;
pub mod tables;

use crate::document::{Block, Document};
use crate::normalize::{key, take_marks};
use crate::record::PortRecord;
use crate::vocab::{vocab, Transport};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// The port grammar as structure asks it what a cell is ([`crate::structure::CellClassifier`]).
pub struct Grammar;

impl crate::structure::CellClassifier for Grammar {
    fn kind(&self, cell: &str) -> crate::structure::CellKind {
        use crate::structure::CellKind;
        match cells::parse_port_cell(cell) {
            cells::CellParse::Ports(_) | cells::CellParse::Invalid(_) => CellKind::Port,
            cells::CellParse::Placeholder => CellKind::Placeholder,
            cells::CellParse::NoPort => CellKind::NoPort,
            cells::CellParse::NotPort => CellKind::Text,
        }
    }

    fn port_starts(&self, cell: &str) -> Vec<u16> {
        match cells::parse_port_cell(cell) {
            cells::CellParse::Ports(p) => p.into_iter().map(|s| s.start).collect(),
            _ => Vec::new(),
        }
    }
}

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
                    // a mark set against the note's first word ("*Default range", a PDF's
                    // superscript with no space after it): the mark is the first character
                    None => {
                        let t = t.strip_prefix('\\').unwrap_or(t);
                        let Some(c) = t.chars().next() else { continue };
                        let m = if c == '＊' { '*' } else { c };
                        (m.to_string(), t[c.len_utf8()..].to_string())
                    }
                }
            } else {
                match numbered_note(t) {
                    Some((d, rest)) => (d.to_string(), rest.to_string()),
                    None => continue,
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

/// A paragraph opened by a footnote's number, as PDF dumps and scraped pages write them ("1 The
/// ports ..."): the number and the rest.
pub(crate) fn numbered_note(text: &str) -> Option<(char, &str)> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(d @ '1'..='9'), Some(' ')) => Some((d, &text[2..])),
        _ => None,
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
    let found = crate::structure::collect_tables(doc, &Grammar);
    let mut out = Understood {
        records: Vec::new(),
        table_samples: found.iter().map(|t| t.text_sample(4096)).collect(),
        tables: found.len(),
        port_tables: 0,
        warnings: Vec::new(),
    };
    let parts = tables::product_parts(&found);
    let mut text_blocks = BTreeSet::new();
    for (i, t) in found.iter().enumerate() {
        crate::budget::check();
        let r = tables::table_records(t, i as u32, &footnotes, &parts);
        if r.is_port_table {
            out.port_tables += 1;
        } else {
            text_blocks.extend(t.blocks.iter().copied());
        }
        out.records.extend(r.records);
        out.warnings.extend(r.warnings);
    }
    let prose = prose::prose_records(&text_view(doc, &text_blocks), &out.records);
    out.records.extend(prose);
    if let Some(t) = document_transport(doc) {
        for r in out.records.iter_mut().filter(|r| r.transport.is_empty()) {
            r.transport = t.as_str().to_string();
        }
    }
    out
}

/// The document as its prose reader sees it: a table that has no port column (`Category |
/// Characteristic`, `Field | Description`) is text, each line of its cells a paragraph, so the
/// ports its sentences name are read (LABELING rule 15). `text_blocks` are the indices of those
/// tables' blocks.
fn text_view<'a>(doc: &'a Document, text_blocks: &BTreeSet<usize>) -> Cow<'a, Document> {
    if text_blocks.is_empty() {
        return Cow::Borrowed(doc);
    }
    let mut view = doc.clone();
    view.blocks = Vec::with_capacity(doc.blocks.len());
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Table(t) if text_blocks.contains(&i) => {
                view.blocks.extend(
                    t.body
                        .cells()
                        .flat_map(|c| c.lines())
                        .map(unquoted)
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| Block::Paragraph {
                            text: l.trim().to_string(),
                            page: t.page,
                        }),
                );
            }
            b => view.blocks.push(b.clone()),
        }
    }
    Cow::Owned(view)
}

/// A cell line without the text it quotes: a description cell that cites another text
/// (`prose that names ports ("redirect ... to port 8445")`) states no port itself.
fn unquoted(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut close: Option<char> = None;
    for c in line.chars() {
        match close {
            Some(q) if c == q => close = None,
            Some(_) => {}
            None => match c {
                '"' => close = Some('"'),
                '“' => close = Some('”'),
                '«' => close = Some('»'),
                '「' => close = Some('」'),
                _ => out.push(c),
            },
        }
    }
    if close.is_some() {
        // an unbalanced quote mark quotes nothing
        return line.to_string();
    }
    out
}

/// The one transport a whole document states for its ports ("This page describes the TCP
/// ports used by ..."): a heading or paragraph names a transport right beside a port word, and
/// no text of the document (tables included) names another transport. Records that do not say
/// their transport get it.
fn document_transport(doc: &Document) -> Option<Transport> {
    let v = vocab();
    let mut all = doc.meta.title.clone();
    all.push('\n');
    all.push_str(&doc.text_sample(usize::MAX));
    // line by line, to stop at the second transport (most documents name two early)
    let mut named: Vec<Transport> = Vec::new();
    for line in all.lines() {
        for t in v.explicit_transports_in(line) {
            if !named.contains(&t) {
                named.push(t);
            }
        }
        if named.len() > 1 {
            return None;
        }
    }
    let [only] = named.as_slice() else {
        return None;
    };
    let beside_port_word = |text: &str| {
        let k = key(text);
        let tokens: Vec<&str> = k
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        tokens.iter().enumerate().any(|(i, t)| {
            let is_t = |w: &str| v.is_explicit_transport(w) && v.transport_word(w) == Some(*only);
            let is_port = |w: &str| v.prose_port_words.is(w);
            if is_t(t) {
                return i + 1 < tokens.len() && is_port(tokens[i + 1])
                    || i > 0 && is_port(tokens[i - 1]);
            }
            // scripts without spaces: "TCP端口"
            let lead: String = t.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            !lead.is_empty() && is_t(&lead) && is_port(&t[lead.len()..])
        })
    };
    let stated = std::iter::once(doc.meta.title.as_str())
        .chain(doc.blocks.iter().filter_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.as_str()),
            _ => None,
        }))
        .any(beside_port_word);
    stated.then_some(*only)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_in_the_sentences_of_a_table_without_port_columns_are_read() {
        let md = "# Web servers\n\n| Category | Characteristic |\n|---|---|\n| Ports | TCP 80, TCP 443 (SSL)<br/>Ports used by the search index component — TCP 16500-16519<br/>Low port range 1025 through 5000 |\n| Registry | No additional guidance |\n";
        let doc = crate::decode::markdown::decode(md);
        let got: Vec<(u16, u16, String)> = understand(&doc)
            .records
            .iter()
            .map(|r| (r.port_start, r.port_end, r.transport.clone()))
            .collect();
        for want in [(80, 80, "tcp"), (443, 443, "tcp"), (16500, 16519, "tcp")] {
            assert!(
                got.contains(&(want.0, want.1, want.2.to_string())),
                "{want:?} in {got:?}"
            );
        }
        assert!(got.iter().any(|r| (r.0, r.1) == (1025, 5000)), "{got:?}");
    }

    #[test]
    fn quoted_text_in_a_description_cell_states_no_port() {
        assert_eq!(
            unquoted(r#"prose that names ports ("redirect to port 8445", "XMPP—5222")"#),
            "prose that names ports (, )"
        );
        assert_eq!(unquoted(r#"Port 8080 "default"#), r#"Port 8080 "default"#);
    }
}
