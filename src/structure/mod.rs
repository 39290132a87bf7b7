//! Structure is format-blind: it takes the tables of a [`Document`] as the decoders found them
//! and rebuilds what the source layout broke, before anything reads a cell's meaning. Fragments
//! of one table split by a page break are merged (the header repeated, or a headerless
//! continuation, a row broken over the break), the flattened copy of a table that a scraped
//! page prints twice is recognised by its content and dropped, and each table gets its
//! context (title, the paragraph that introduces it, the headings it stands under). Rows lost
//! in a flat run of cells are rebuilt in [`rows`]. What a cell holds is asked of a
//! [`CellClassifier`] that understanding provides; structure never reads the port grammar.

pub mod rows;

use crate::document::{Block, Document, Table, TableBody};
use crate::normalize::key;
use crate::tuning::SUBJECT_HEADINGS;
use crate::vocab::vocab;
use std::collections::BTreeSet;

/// What a cell is, as the port grammar reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// One or more ports (or something that looks like one, out of range).
    Port,
    /// An author's placeholder (`xxx`, `?`).
    Placeholder,
    /// Empty, a dash, "N/A": no port and nothing wrong.
    NoPort,
    /// Anything else: names, sentences, versions.
    Text,
}

/// The cell classifier structure is given.
pub trait CellClassifier {
    fn kind(&self, cell: &str) -> CellKind;
    /// The first port number of each port spec of the cell.
    fn port_starts(&self, cell: &str) -> Vec<u16>;
}

/// A table after merging, with its title resolved.
#[derive(Debug, Clone)]
pub struct FoundTable {
    pub title: String,
    pub header: Vec<String>,
    pub body: TableBody,
    pub page: Option<u32>,
    /// The page of each body row, when known (grid tables from paged formats).
    pub row_pages: Vec<u32>,
    /// The paragraph right before the table when it introduces it ("The following table lists
    /// ... incoming ..."), else empty.
    pub intro: String,
    /// The document blocks the table was read from (more than one when fragments merged).
    pub blocks: Vec<usize>,
    /// The last fragment's last row was left open by the page break (`Table::last_row_open`).
    pub last_row_open: bool,
    /// What the table is written for, strongest first: the document's title (else its first
    /// heading), then the nearest headings above the table.
    pub subject: [String; 2],
}

impl FoundTable {
    /// The header and the cells, up to about `limit` bytes.
    pub fn text_sample(&self, limit: usize) -> String {
        let mut out = self.header.join(" ");
        for c in self.body.cells() {
            if out.len() >= limit {
                break;
            }
            out.push(' ');
            out.push_str(c);
        }
        out
    }
}

fn header_key(h: &[String]) -> Vec<String> {
    h.iter().map(|c| key(c).replace(' ', "")).collect()
}

fn has_roles(h: &[String]) -> bool {
    h.iter().any(|c| vocab().header_role(c).is_some())
}

/// Tables of a document in order, with page-split fragments merged (same header repeated, or a
/// headerless continuation of the same width, with nothing but the break between them).
pub fn collect_tables(doc: &Document, cells: &dyn CellClassifier) -> Vec<FoundTable> {
    let mut out: Vec<FoundTable> = Vec::new();
    let mut adjacent = false; // the previous block was a table
    let mut headings: Vec<&str> = Vec::new();
    let mut intro: Option<&str> = None; // the paragraph right before, if it introduces a table
    for (bi, b) in doc.blocks.iter().enumerate() {
        crate::budget::check();
        let t = match b {
            Block::Table(t) => t,
            Block::Heading { text, .. } => {
                headings.push(text);
                adjacent = false;
                intro = None;
                continue;
            }
            Block::Paragraph { text, .. } => {
                adjacent = false;
                intro = is_table_intro(text).then_some(text.as_str());
                continue;
            }
            _ => {
                adjacent = false;
                intro = None;
                continue;
            }
        };
        if adjacent && t.caption.is_none() {
            if let Some(prev) = out.last_mut() {
                if merge_into(prev, t, cells) {
                    prev.blocks.push(bi);
                    prev.last_row_open = t.last_row_open;
                    continue;
                }
            }
        }
        out.push(FoundTable {
            title: t
                .caption
                .clone()
                .or_else(|| t.heading.clone())
                .unwrap_or_default(),
            header: t.header.clone(),
            body: t.body.clone(),
            page: t.page,
            row_pages: row_pages_of(t),
            intro: intro.take().unwrap_or_default().to_string(),
            blocks: vec![bi],
            last_row_open: t.last_row_open,
            subject: [
                doc.subject().to_string(),
                headings
                    .iter()
                    .rev()
                    .take(SUBJECT_HEADINGS)
                    .copied()
                    .collect::<Vec<_>>()
                    .join("\n"),
            ],
        });
        adjacent = true;
    }
    for t in &mut out {
        drop_repeated_header_rows(t);
    }
    dedupe_flattened(out, cells)
}

/// A body row that is the header again (a long table repeats it every few rows, or a print
/// engine laid out a `<tr>` of `<th>` cells in the body) is not a row.
fn drop_repeated_header_rows(t: &mut FoundTable) {
    let hk = header_key(&t.header);
    if !hk.iter().any(|c| !c.is_empty()) {
        return;
    }
    let TableBody::Grid(rows) = &mut t.body else {
        return;
    };
    let keep: Vec<bool> = rows.iter().map(|r| header_key(r) != hk).collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    if t.row_pages.len() == rows.len() {
        let mut k = keep.iter();
        t.row_pages.retain(|_| *k.next().expect("one per row"));
    }
    let mut k = keep.iter();
    rows.retain(|_| *k.next().expect("one per row"));
}

/// A paragraph introduces the table right after it when it ends with a colon or points at the
/// table ("The following table lists ...", "In der unten stehenden Tabelle ...").
fn is_table_intro(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with([':', '：']) || vocab().prose_table_intro.found_in(&key(t))
}

/// Row pages of a grid table, complete or empty.
fn row_pages_of(t: &Table) -> Vec<u32> {
    match (&t.body, t.page) {
        (TableBody::Grid(rows), _) if t.row_pages.len() == rows.len() => t.row_pages.clone(),
        (TableBody::Grid(rows), Some(p)) => vec![p; rows.len()],
        _ => Vec::new(),
    }
}

fn join_cells(last: &mut [String], rest: &[String]) {
    for (a, b) in last.iter_mut().zip(rest) {
        if !b.is_empty() {
            if !a.is_empty() {
                a.push(' ');
            }
            a.push_str(b);
        }
    }
}

/// A headerless page continuation whose first row only finishes the last row of the page
/// before ("Always On" / "endpoint"): no numbers, and text only in cells the last row has,
/// leaving some of them empty.
fn finishes_row(last: &[String], first: &[String]) -> bool {
    last.len() == first.len()
        && first.iter().any(|c| !c.is_empty())
        && !first
            .iter()
            .any(|c| c.chars().any(|ch| ch.is_ascii_digit()))
        && first
            .iter()
            .zip(last)
            .all(|(f, l)| f.is_empty() || !l.is_empty())
        && first
            .iter()
            .zip(last)
            .any(|(f, l)| f.is_empty() && !l.is_empty())
}

/// The first row of a page continuation that only finishes the last row of the page before:
/// its first cell is empty while the last row's is not, and its other cells add to cells the
/// last row already has, or hold text without a number in cells it left empty.
fn continues_row(last: &[String], first: &[String]) -> bool {
    last.len() == first.len()
        && !last.first().is_none_or(|c| c.is_empty())
        && first.first().is_some_and(|c| c.is_empty())
        && first.iter().any(|c| !c.is_empty())
        && first.iter().zip(last).all(|(f, l)| {
            // a cell that moved to the next page whole (its row broken before its first line)
            // is text, never a port
            f.is_empty() || !l.is_empty() || !f.chars().any(|ch| ch.is_ascii_digit())
        })
}

/// Whether the last row of a page and the first row of the next, cell by cell, are the header
/// ("Listener" / "(Process or Application Protocol)").
fn splits_header(last: &[String], first: &[String], header: &[String]) -> bool {
    if last.len() != header.len() || first.len() != header.len() {
        return false;
    }
    let mut joined = last.to_vec();
    join_cells(&mut joined, first);
    last.iter().any(|c| !c.is_empty())
        && first.iter().any(|c| !c.is_empty())
        && header_key(&joined) == header_key(header)
}

/// Whether every non-empty cell of `row` (half of them or more) begins its header cell: a
/// header repeated in the body, cut short by the page ("Remote Device (Process or").
fn header_fragment(row: &[String], header: &[String]) -> bool {
    let (r, h) = (header_key(row), header_key(header));
    r.len() == h.len()
        && r.iter().filter(|c| !c.is_empty()).count() * 2 >= r.len()
        && r.iter().zip(&h).all(|(a, b)| b.starts_with(a.as_str()))
}

/// Whether `next` is `header` repeated, its cells perhaps followed by the rest of a header row
/// broken by the page ("Remote Device (Process or Application Protocol) Application Protocol)").
fn repeats_header(header: &[String], next: &[String]) -> bool {
    let (h, n) = (header_key(header), header_key(next));
    h.len() == n.len()
        && h.iter().any(|c| !c.is_empty())
        && h.iter().zip(&n).all(|(a, b)| b.starts_with(a.as_str()))
}

fn merge_into(prev: &mut FoundTable, t: &Table, cells: &dyn CellClassifier) -> bool {
    let same_header = repeats_header(&prev.header, &t.header);
    // a fragment without a header: its first row names no column, or holds ports where the
    // table's header holds none ("SQL Server (reporting) | TCP 1433" names a host, but is a row)
    let ports_in = |h: &[String]| h.iter().any(|c| !cells.port_starts(c).is_empty());
    let headerless = t.header.len() == prev.header.len()
        && (!has_roles(&t.header) || ports_in(&t.header) && !ports_in(&prev.header));
    let pages = row_pages_of(t);
    match (&mut prev.body, &t.body) {
        (TableBody::Grid(rows), TableBody::Grid(more)) if same_header => {
            let mut more = more.as_slice();
            let mut pages = pages.as_slice();
            // a repeated header row broken by the page (its first line ends the page, the rest
            // starts the next under the header the printer repeats): neither half is a row
            if let (Some(last), Some(first)) = (rows.last(), more.first()) {
                if splits_header(last, first, &prev.header) {
                    rows.pop();
                    if prev.row_pages.len() == rows.len() + 1 {
                        prev.row_pages.pop();
                    }
                    more = &more[1..];
                    pages = pages.get(1..).unwrap_or(&[]);
                }
            }
            // or only its first part ends the page, the next starting with the header repeated
            if rows
                .last()
                .is_some_and(|last| header_fragment(last, &prev.header))
            {
                rows.pop();
                if prev.row_pages.len() == rows.len() + 1 {
                    prev.row_pages.pop();
                }
            }
            // a row broken by the page: its rest on the next page has no first cell, or the
            // print left the row open at the page's foot
            let open = prev.last_row_open;
            if let (Some(last), Some(first)) = (rows.last_mut(), more.first()) {
                // (or it finishes the cells it has, with no number: the listener's last words
                // and the notes' last lines; a section row, one cell, is a row of its own)
                let finishes = finishes_row(last, first)
                    && first.iter().filter(|c| !c.is_empty()).count() >= 2;
                if (open && last.len() == first.len()) || continues_row(last, first) || finishes {
                    join_cells(last, first);
                    more = &more[1..];
                    pages = pages.get(1..).unwrap_or(&[]);
                }
            }
            if prev.row_pages.len() == rows.len() && pages.len() == more.len() {
                prev.row_pages.extend_from_slice(pages);
            } else {
                prev.row_pages.clear();
            }
            rows.extend(more.iter().cloned());
            true
        }
        // a repeated header row broken by the page, its rest read as the next page's header
        (TableBody::Grid(rows), TableBody::Grid(more))
            if rows
                .last()
                .is_some_and(|last| splits_header(last, &t.header, &prev.header)) =>
        {
            rows.pop();
            if prev.row_pages.len() == rows.len() + 1 && pages.len() == more.len() {
                prev.row_pages.pop();
                prev.row_pages.extend(pages);
            } else {
                prev.row_pages.clear();
            }
            rows.extend(more.iter().cloned());
            true
        }
        (TableBody::Grid(rows), TableBody::Grid(more)) if headerless => {
            // the fragment's first row may only finish the last row of the page before
            let split_rest = rows.last().is_some_and(|last| {
                (prev.last_row_open && last.len() == t.header.len())
                    || finishes_row(last, &t.header)
            });
            if split_rest {
                let last = rows.last_mut().expect("a last row");
                join_cells(last, &t.header);
            }
            if prev.row_pages.len() == rows.len() && pages.len() == more.len() {
                if !split_rest {
                    prev.row_pages.push(t.page.unwrap_or(0));
                }
                prev.row_pages.extend(pages);
            } else {
                prev.row_pages.clear();
            }
            if !split_rest {
                rows.push(t.header.clone());
            }
            rows.extend(more.iter().cloned());
            true
        }
        (
            TableBody::Stream {
                cells,
                continuation: false,
            },
            TableBody::Stream {
                cells: more,
                continuation: false,
            },
        ) if same_header => {
            cells.extend(more.iter().cloned());
            true
        }
        _ => false,
    }
}

fn port_numbers(t: &FoundTable, classifier: &dyn CellClassifier) -> BTreeSet<u16> {
    t.body
        .cells()
        .flat_map(|c| classifier.port_starts(c))
        .collect()
}

/// Scraped pages often carry each table twice: flattened one cell per line, then as a pipe table.
/// A flattened table whose header and ports all appear in a grid table of the same document is
/// that grid's copy: the grid (which keeps row structure) stays and takes the flattened table's
/// title, which sits where the table really is in the page.
fn dedupe_flattened(tables: Vec<FoundTable>, cells: &dyn CellClassifier) -> Vec<FoundTable> {
    let is_stream = |t: &FoundTable| {
        matches!(
            t.body,
            TableBody::Stream {
                continuation: true,
                ..
            }
        )
    };
    if !tables.iter().any(is_stream) || !tables.iter().any(|t| !is_stream(t)) {
        return tables;
    }
    let ports: Vec<BTreeSet<u16>> = tables.iter().map(|t| port_numbers(t, cells)).collect();
    let mut drop = vec![false; tables.len()];
    let mut new_title: Vec<Option<(String, String, [String; 2])>> = vec![None; tables.len()];
    let mut claimed = vec![false; tables.len()];
    for (s, st) in tables.iter().enumerate() {
        if !is_stream(st) || ports[s].is_empty() {
            continue;
        }
        let hk = header_key(&st.header);
        let twin = (0..tables.len()).find(|&g| {
            !is_stream(&tables[g])
                && !claimed[g]
                && header_key(&tables[g].header) == hk
                && !ports[g].is_empty()
                && ports[s].is_subset(&ports[g])
        });
        if let Some(g) = twin {
            drop[s] = true;
            claimed[g] = true;
            new_title[g] = Some((st.title.clone(), st.intro.clone(), st.subject.clone()));
        }
    }
    tables
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !drop[*i])
        .map(|(i, mut t)| {
            if let Some((title, intro, subject)) = new_title[i].take() {
                t.title = title;
                t.intro = intro;
                t.subject = subject;
            }
            t
        })
        .collect()
}
