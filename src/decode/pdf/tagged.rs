//! Tagged PDF: the logical structure tree (StructTreeRoot with Table/TR/TH/TD, P, H1...) that
//! some producers (Chromium among them) write. When it is there, it is the most exact source of
//! a table's grid: each cell names the marked-content sequences (MCIDs) that hold its glyphs.
//! Text outside the tree (running headers and footers are Artifacts) is left out.

use crate::decode::SpanCell;
use pdf_extract::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, HashSet};

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

/// Where a cell's or a block's glyphs are: (page number, MCID) pairs.
pub type Marks = Vec<(u32, i64)>;

/// In [`Marks`], in place of an MCID: a list item (LI) starts here. Chromium draws list bullets
/// as shapes, not glyphs, so the text of a cell that holds a list would lose them.
pub const LIST_ITEM: i64 = i64::MIN;

#[derive(Debug, Clone)]
pub enum Node {
    Heading(Marks),
    Caption(Marks),
    Paragraph(Marks),
    Note(Marks),
    /// Rows of (cell, spans) and whether the row sits in the table head.
    Table {
        caption: Option<Marks>,
        rows: Vec<(Vec<(Marks, SpanCell)>, bool)>,
    },
}

struct Walker<'a> {
    doc: &'a Document,
    pages: BTreeMap<ObjectId, u32>,
    role_map: Option<&'a Dictionary>,
    seen: HashSet<ObjectId>,
    budget: usize,
}

const BLOCK: &[&str] = &[
    "P",
    "H",
    "H1",
    "H2",
    "H3",
    "H4",
    "H5",
    "H6",
    "Caption",
    "LI",
    "Lbl",
    "LBody",
    "TOCI",
    "Note",
    "BlockQuote",
    "Title",
];

impl<'a> Walker<'a> {
    fn role(&self, d: &Dictionary) -> String {
        let mut s = d
            .get(b"S")
            .ok()
            .and_then(|s| s.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        for _ in 0..4 {
            let mapped = self
                .role_map
                .and_then(|m| m.get(s.as_bytes()).ok())
                .and_then(|n| n.as_name().ok())
                .map(|n| String::from_utf8_lossy(n).into_owned());
            match mapped {
                Some(m) if m != s => s = m,
                _ => break,
            }
        }
        s
    }

    fn elem(&mut self, o: &'a Object) -> Option<&'a Dictionary> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        match o {
            Object::Reference(id) => {
                if !self.seen.insert(*id) {
                    return None; // a cycle
                }
                self.doc.get_dictionary(*id).ok()
            }
            Object::Dictionary(d) => Some(d),
            _ => None,
        }
    }

    fn page_of(&self, d: &Dictionary, inherited: Option<u32>) -> Option<u32> {
        d.get(b"Pg")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| self.pages.get(&id).copied())
            .or(inherited)
    }

    fn kids(d: &'a Dictionary) -> Vec<&'a Object> {
        match d.get(b"K") {
            Ok(Object::Array(a)) => a.iter().collect(),
            Ok(o) => vec![o],
            Err(_) => Vec::new(),
        }
    }

    /// All MCIDs under an element, in order.
    fn marks(&mut self, d: &'a Dictionary, page: Option<u32>, out: &mut Marks, depth: usize) {
        if depth > 200 {
            return;
        }
        let page = self.page_of(d, page);
        for k in Self::kids(d) {
            match k {
                Object::Integer(m) => {
                    if let Some(p) = page {
                        out.push((p, *m));
                    }
                }
                _ => {
                    let Some(kd) = self.elem(k) else { continue };
                    let is_mcr = kd
                        .get(b"Type")
                        .ok()
                        .and_then(|t| t.as_name().ok())
                        .is_some_and(|t| t == b"MCR");
                    if is_mcr {
                        let p = self.page_of(kd, page);
                        if let (Some(p), Ok(m)) = (p, kd.get(b"MCID").and_then(|m| m.as_i64())) {
                            out.push((p, m));
                        }
                    } else if kd.get(b"S").is_ok() {
                        if self.role(kd) == "LI" {
                            if let Some(p) = self.page_of(kd, page) {
                                out.push((p, LIST_ITEM));
                            }
                        }
                        self.marks(kd, page, out, depth + 1);
                    }
                }
            }
        }
    }

    fn span(&self, d: &Dictionary, key: &[u8]) -> usize {
        let attrs: Vec<&Object> = match d.get(b"A") {
            Ok(Object::Array(a)) => a.iter().collect(),
            Ok(o) => vec![o],
            Err(_) => Vec::new(),
        };
        for a in attrs {
            let Some(ad) = deref(self.doc, a).and_then(|a| a.as_dict().ok()) else {
                continue;
            };
            if let Ok(n) = ad.get(key).and_then(|n| n.as_i64()) {
                return n.clamp(1, 1000) as usize;
            }
        }
        1
    }

    fn table(&mut self, d: &'a Dictionary, page: Option<u32>, depth: usize) -> Node {
        let mut rows = Vec::new();
        let mut caption = None;
        // rows may sit under THead/TBody/TFoot
        let mut stack: Vec<(&'a Dictionary, Option<u32>, bool)> = Vec::new();
        let page = self.page_of(d, page);
        let mut kids: Vec<(&'a Dictionary, Option<u32>, bool)> = Vec::new();
        for k in Self::kids(d) {
            if let Some(kd) = self.elem(k) {
                kids.push((kd, page, false));
            }
        }
        kids.reverse();
        stack.extend(kids);
        while let Some((e, pg, head)) = stack.pop() {
            let role = self.role(e);
            let pg = self.page_of(e, pg);
            match role.as_str() {
                "THead" | "TBody" | "TFoot" => {
                    let mut sub = Vec::new();
                    for k in Self::kids(e) {
                        if let Some(kd) = self.elem(k) {
                            sub.push((kd, pg, role == "THead"));
                        }
                    }
                    sub.reverse();
                    stack.extend(sub);
                }
                "TR" => {
                    let mut cells = Vec::new();
                    for k in Self::kids(e) {
                        let Some(cd) = self.elem(k) else { continue };
                        let r = self.role(cd);
                        if r != "TD" && r != "TH" {
                            continue;
                        }
                        let mut m = Vec::new();
                        self.marks(cd, pg, &mut m, depth + 1);
                        let cell = SpanCell {
                            text: String::new(),
                            colspan: self.span(cd, b"ColSpan"),
                            rowspan: self.span(cd, b"RowSpan"),
                            th: r == "TH",
                        };
                        cells.push((m, cell));
                    }
                    rows.push((cells, head));
                }
                "Caption" => {
                    let mut m = Vec::new();
                    self.marks(e, pg, &mut m, depth + 1);
                    caption = Some(m);
                }
                _ => {}
            }
        }
        Node::Table { caption, rows }
    }

    fn walk(&mut self, d: &'a Dictionary, page: Option<u32>, out: &mut Vec<Node>, depth: usize) {
        if depth > 200 || self.budget == 0 {
            return;
        }
        let role = self.role(d);
        let page = self.page_of(d, page);
        if role == "Table" {
            let t = self.table(d, page, depth);
            out.push(t);
            return;
        }
        if BLOCK.contains(&role.as_str()) && !self.has_table(d, 0) {
            let mut m = Vec::new();
            self.marks(d, page, &mut m, depth + 1);
            if !m.is_empty() {
                out.push(match role.as_str() {
                    "Caption" => Node::Caption(m),
                    "Note" => Node::Note(m),
                    r if r.starts_with('H') && r != "H" || r == "Title" => Node::Heading(m),
                    _ => Node::Paragraph(m),
                });
            }
            return;
        }
        // grouping element: its own MCIDs are a paragraph, its elements are walked
        let mut direct: Marks = Vec::new();
        for k in Self::kids(d) {
            match k {
                Object::Integer(m) => {
                    if let Some(p) = page {
                        direct.push((p, *m));
                    }
                }
                _ => {
                    let Some(kd) = self.elem(k) else { continue };
                    if kd.get(b"S").is_ok() {
                        if !direct.is_empty() {
                            out.push(Node::Paragraph(std::mem::take(&mut direct)));
                        }
                        self.walk(kd, page, out, depth + 1);
                    } else if let (Some(p), Ok(m)) = (
                        self.page_of(kd, page),
                        kd.get(b"MCID").and_then(|m| m.as_i64()),
                    ) {
                        direct.push((p, m));
                    }
                }
            }
        }
        if !direct.is_empty() {
            out.push(Node::Paragraph(direct));
        }
    }

    fn has_table(&self, d: &'a Dictionary, depth: usize) -> bool {
        if depth > 50 {
            return false;
        }
        Self::kids(d).into_iter().any(|k| {
            let kd = match k {
                Object::Reference(id) => self.doc.get_dictionary(*id).ok(),
                Object::Dictionary(d) => Some(d),
                _ => None,
            };
            kd.is_some_and(|kd| self.role(kd) == "Table" || self.has_table(kd, depth + 1))
        })
    }
}

/// The structure tree in reading order, or None when the document is not tagged.
pub fn structure(doc: &Document) -> Option<Vec<Node>> {
    let catalog = doc.catalog().ok()?;
    let root = deref(doc, catalog.get(b"StructTreeRoot").ok()?)?
        .as_dict()
        .ok()?;
    let role_map = root
        .get(b"RoleMap")
        .ok()
        .and_then(|r| deref(doc, r))
        .and_then(|r| r.as_dict().ok());
    let pages: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut w = Walker {
        doc,
        pages,
        role_map,
        seen: HashSet::new(),
        budget: 2_000_000,
    };
    let mut out = Vec::new();
    for k in Walker::kids(root) {
        if let Some(d) = w.elem(k) {
            w.walk(d, None, &mut out, 0);
        }
    }
    Some(out)
}
