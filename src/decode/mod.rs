//! Decoders: bytes of one format in, a [`Document`] out. A decoder knows its format and nothing
//! after it. Adding a format touches one module here and the sniffing table in `discover`.

pub mod asciidoc;
pub mod csv;
pub mod encoding;
mod entities;
pub mod html;
pub mod html_depth;
pub mod markdown;
pub mod pdf;
pub mod rst;
pub mod text;

use crate::document::{Block, Document, Format, Table, TableBody};
use crate::error::DocError;
use regex::Regex;
use std::sync::LazyLock;

/// "Release 12.5(1)", "Version 3.2", "リリース 12.5(1)", "Versión 2.0" (any release word of
/// the vocabulary) followed by a version.
static RELEASE: LazyLock<Regex> = LazyLock::new(|| {
    let words: Vec<String> = crate::vocab::vocab()
        .release_words
        .iter()
        .map(|w| regex::escape(w))
        .collect();
    Regex::new(&format!(
        r"(?:^|[^\p{{L}}])(?:{})\s*([0-9][0-9A-Za-z.()_-]*[0-9A-Za-z)])",
        words.join("|")
    ))
    .expect("release pattern")
});

/// The release a document title names, if any, as the title writes it.
pub fn release_in_title(title: &str) -> Option<String> {
    let k = crate::normalize::key(title);
    let found = RELEASE.captures(&k)?.get(1)?.as_str().to_string();
    // the key is lower case: find the same (ASCII) text in the title to keep its case
    let folded = crate::normalize::fold(title);
    (0..folded.len())
        .filter(|&i| folded.is_char_boundary(i) && folded.is_char_boundary(i + found.len()))
        .find(|&i| {
            folded
                .get(i..i + found.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(&found))
        })
        .map(|i| folded[i..i + found.len()].to_string())
        .or(Some(found))
}

/// Decodes a document of a known format.
pub fn decode(bytes: &[u8], format: Format) -> Result<Document, DocError> {
    match format {
        Format::Markdown => {
            let (text, note) = encoding::decode_text_noting(bytes)?;
            let mut doc = markdown::decode(&text);
            doc.warnings.extend(note);
            Ok(doc)
        }
        Format::Text => {
            let (text, note) = encoding::decode_text_noting(bytes)?;
            let mut doc = text::decode(&text, format);
            doc.warnings.extend(note);
            Ok(doc)
        }
        Format::AsciiDoc => {
            let (text, note) = encoding::decode_text_noting(bytes)?;
            let mut doc = asciidoc::decode(&text);
            doc.warnings.extend(note);
            Ok(doc)
        }
        Format::Rst => {
            let (text, note) = encoding::decode_text_noting(bytes)?;
            let mut doc = rst::decode(&text);
            doc.warnings.extend(note);
            Ok(doc)
        }
        Format::Csv => {
            let (text, note) = encoding::decode_text_noting(bytes)?;
            let mut doc = csv::decode(&text)?;
            doc.warnings.extend(note);
            Ok(doc)
        }
        Format::Html => html::decode(bytes),
        Format::Pdf => pdf::decode(bytes),
    }
}

/// Collects blocks in order and keeps the context a table takes its title from: the last
/// heading, and a caption ("Table 1: ...") waiting for the next table.
#[derive(Default)]
pub struct BlockBuilder {
    pub blocks: Vec<Block>,
    /// The page the next blocks come from (paged formats).
    pub page: Option<u32>,
    heading: Option<String>,
    caption: Option<String>,
}

impl BlockBuilder {
    pub fn heading(&mut self, text: String) {
        self.blocks.push(Block::Heading {
            text: text.clone(),
            page: self.page,
        });
        self.heading = Some(text);
        self.caption = None;
    }

    pub fn caption(&mut self, text: String) {
        self.blocks.push(Block::Caption {
            text: text.clone(),
            page: self.page,
        });
        self.caption = Some(text);
    }

    /// Adds a table; its own caption (HTML `<caption>`) wins over a waiting one.
    pub fn table(
        &mut self,
        header: Vec<String>,
        caption: Option<String>,
        body: TableBody,
        line: usize,
    ) {
        let waiting = self.caption.take();
        self.blocks.push(Block::Table(Table {
            caption: caption.or(waiting),
            heading: self.heading.clone(),
            header,
            body,
            page: self.page,
            row_pages: Vec::new(),
            line,
            last_row_open: false,
        }));
    }
}

/// One cell of a table row as the source gives it, before spans are resolved.
#[derive(Debug, Clone, Default)]
pub struct SpanCell {
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
    /// A header cell (`<th>`, a tagged PDF's TH).
    pub th: bool,
}

/// A table with spans resolved into a grid and its header rows combined.
#[derive(Debug, Clone, Default)]
pub struct GridTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The tag each body row came with (a tagged PDF's page; 0 for HTML).
    pub row_tags: Vec<u32>,
    /// More than `max_cells` cells: the rest was dropped.
    pub truncated: bool,
}

/// Resolves rows of span cells (each row with whether it sits in the table's head) into a
/// grid: a rowspan copies the cell down, a colspan keeps the text in its first column (so a
/// row spanning the table is a section row). Header rows are the head, else the leading rows
/// made only of header cells, else the first row; several header rows are combined per column
/// ("Port" over "Local" gives "Port Local"). A header repeated inside the body (a printed page
/// break) is not a row. Each source row carries a tag that its body row keeps (its page).
pub fn resolve_grid(source: Vec<(Vec<SpanCell>, bool, u32)>, max_cells: usize) -> GridTable {
    // rowspans still running: column -> (rows left, text)
    let mut running: Vec<Option<(usize, String)>> = Vec::new();
    let mut grid: Vec<(Vec<String>, bool, bool, u32)> = Vec::new(); // (cells, in head, all th, tag)
    let mut cells_total = 0usize;
    let mut truncated = false;
    let take_running =
        |row: &mut Vec<String>, col: &mut usize, running: &mut Vec<Option<(usize, String)>>| {
            while let Some(Some((left, text))) = running.get_mut(*col) {
                row.push(text.clone());
                *left -= 1;
                if *left == 0 {
                    running[*col] = None;
                }
                *col += 1;
            }
        };
    for (cells, head, tag) in source {
        crate::budget::check();
        if cells.is_empty() {
            continue;
        }
        let mut row: Vec<String> = Vec::new();
        let all_th = cells.iter().all(|c| c.th);
        let mut col = 0usize;
        for cell in cells {
            take_running(&mut row, &mut col, &mut running);
            let (cs, rs) = (cell.colspan.max(1), cell.rowspan.max(1));
            for k in 0..cs {
                let t = if k == 0 {
                    cell.text.clone()
                } else {
                    String::new()
                };
                if rs > 1 {
                    if running.len() <= col {
                        running.resize(col + 1, None);
                    }
                    running[col] = Some((rs - 1, t.clone()));
                }
                row.push(t);
                col += 1;
            }
        }
        // rowspans that reach past the last cell of this row
        while col < running.len() {
            if running[col].is_some() {
                take_running(&mut row, &mut col, &mut running);
            } else {
                row.push(String::new());
                col += 1;
            }
        }
        cells_total += row.len();
        if cells_total > max_cells {
            truncated = true;
            break;
        }
        grid.push((row, head, all_th, tag));
    }
    let width = grid.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for r in &mut grid {
        r.0.resize(width, String::new());
    }
    let mut n_head = grid.iter().take_while(|r| r.1).count();
    if n_head == 0 {
        n_head = grid.iter().take_while(|r| r.2).count();
    }
    if n_head == 0 && !grid.is_empty() {
        n_head = 1;
    }
    let mut header = vec![String::new(); width];
    for (row, ..) in grid.iter().take(n_head) {
        for (c, t) in row.iter().enumerate() {
            if !t.is_empty() && !header[c].split(" / ").any(|h| h == t) {
                if !header[c].is_empty() {
                    header[c].push(' ');
                }
                header[c].push_str(t);
            }
        }
    }
    let (rows, row_tags): (Vec<Vec<String>>, Vec<u32>) = grid
        .into_iter()
        .skip(n_head)
        .filter(|r| r.0 != header)
        .map(|r| (r.0, r.3))
        .unzip();
    GridTable {
        header,
        rows,
        row_tags,
        truncated,
    }
}
