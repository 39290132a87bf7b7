//! PDF documents into the document model.
//!
//! pdf-extract (over lopdf) interprets each page's content and hands every glyph with its
//! position, size and text, and every path (ruling lines) to [`glyphs::Collector`]. Then:
//! - a tagged PDF (a structure tree with Table/TR/TD) gives tables, headings and paragraphs in
//!   logical order from the tree ([`tagged`]), each cell's text from its marked content;
//! - otherwise lines and words are built from baselines and gaps ([`lines`]), running headers
//!   and footers are dropped, and each page is laid out into tables and flow text ([`layout`]).
//!
//! Tables broken across pages are merged by the shared understanding stage, which keeps each
//! row's page. pdf-extract panics on some malformed files by design, and hostile files can
//! exhaust the stack; the command line decodes PDFs in worker processes (see `isolate`).

pub mod glyphs;
pub mod layout;
pub mod lines;
pub mod streams;
pub mod tagged;

use crate::decode::{resolve_grid, BlockBuilder, GridTable};
use crate::document::{Block, Document, Meta, TableBody};
use crate::error::DocError;
use crate::vocab::vocab;
use glyphs::{Collector, Glyph, PageGlyphs};
use layout::{page_items, Item};
use lines::{lines_of, needs_space, Line};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Pages beyond this are not read (a warning says so).
const MAX_PAGES: usize = 10_000;
/// Glyphs (and rules) kept per page.
const MAX_GLYPHS_PER_PAGE: usize = 400_000;

fn pdf_error(what: &str, e: impl std::fmt::Display) -> DocError {
    DocError::Pdf(format!("{what}: {e}"))
}

/// Opens a PDF: checks the header, loads the objects, decrypts with the empty user password
/// (documents that only restrict printing or copying).
pub fn load(bytes: &[u8]) -> Result<pdf_extract::Document, DocError> {
    load_defused(bytes).map(|(doc, _)| doc)
}

/// Loads a PDF and empties its streams that decode beyond [`streams::MAX_STREAM_BYTES`]; the
/// warnings name them.
pub fn load_defused(bytes: &[u8]) -> Result<(pdf_extract::Document, Vec<String>), DocError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(DocError::Pdf("not a PDF file (no %PDF- header)".into()));
    }
    let loaded = if streams::may_hold_object_streams(bytes) {
        let options = pdf_extract::LoadOptions::with_filter(streams::object_stream_filter);
        pdf_extract::Document::load_mem_with_options(bytes, options)
    } else {
        pdf_extract::Document::load_mem(bytes)
    };
    let mut doc =
        loaded.map_err(|e| pdf_error("the PDF cannot be read (damaged or truncated)", e))?;
    if doc.is_encrypted() {
        doc.decrypt("").map_err(|_| {
            DocError::Pdf("the PDF is encrypted and needs a password to open".into())
        })?;
    }
    let warnings = streams::defuse(&mut doc, streams::MAX_STREAM_BYTES);
    Ok((doc, warnings))
}

fn meta_of(doc: &pdf_extract::Document) -> Meta {
    let mut meta = Meta::default();
    let text = |o: &pdf_extract::Object| -> Option<String> {
        let (_, o) = doc.dereference(o).ok()?;
        match o {
            pdf_extract::Object::String(bytes, _) => Some(pdf_string(bytes)),
            _ => None,
        }
    };
    if let Ok(cat) = doc.catalog() {
        meta.language = cat
            .get(b"Lang")
            .ok()
            .and_then(text)
            .filter(|l| !l.is_empty());
    }
    if let Ok(info) = doc.trailer.get(b"Info") {
        if let Some(d) = doc
            .dereference(info)
            .ok()
            .and_then(|(_, o)| o.as_dict().ok())
        {
            meta.title = d.get(b"Title").ok().and_then(text).unwrap_or_default();
        }
    }
    meta
}

/// A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (Latin-1 for what matters).
fn pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
    .trim()
    .to_string()
}

struct ReadPage {
    /// The page's glyphs, kept only when they carry marked content (a tagged PDF may be read
    /// through its structure tree); otherwise they were made into `lines` on reading and
    /// dropped, so a long document never holds every page's glyphs at once.
    glyphs: PageGlyphs,
    /// The page's lines, when made on reading.
    lines: Option<Vec<Line>>,
    /// Whether the page drew any text.
    has_text: bool,
    /// Whether any of its glyphs was drawn in marked content.
    marked: bool,
    error: Option<String>,
    truncated: bool,
}

impl ReadPage {
    /// Reads a page's glyphs into lines, unless they are needed for the structure tree; a
    /// glyph buffer not kept is left in `spare` for the next page.
    fn new(
        mut glyphs: PageGlyphs,
        error: Option<String>,
        truncated: bool,
        spare: &mut Vec<Glyph>,
    ) -> ReadPage {
        let has_text = !glyphs.glyphs.is_empty();
        let marked = glyphs.glyphs.iter().any(|g| g.mcid.is_some());
        let lines = (!marked).then(|| {
            let refs: Vec<&Glyph> = glyphs.glyphs.iter().collect();
            lines_of(&refs)
        });
        if !marked {
            glyphs.glyphs.clear();
            *spare = std::mem::take(&mut glyphs.glyphs);
        }
        ReadPage {
            glyphs,
            lines,
            has_text,
            marked,
            error,
            truncated,
        }
    }

    /// Takes the page's lines (made now from its glyphs when they were kept).
    fn take_lines(&mut self) -> Vec<Line> {
        match self.lines.take() {
            Some(l) => l,
            None => {
                let refs: Vec<&Glyph> = self.glyphs.glyphs.iter().collect();
                lines_of(&refs)
            }
        }
    }
}

/// Inflated size limit of one page's content streams.
const MAX_CONTENT_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a page's Flate-compressed content inflates beyond `cap` bytes (a decompression
/// bomb), measured by streaming it into nothing, before lopdf inflates it into memory.
fn content_too_large(doc: &pdf_extract::Document, page: pdf_extract::ObjectId, cap: u64) -> bool {
    let contents: Vec<(Vec<&[u8]>, &[u8])> = doc
        .get_page_contents(page)
        .into_iter()
        .filter_map(|id| doc.get_object(id).and_then(|o| o.as_stream()).ok())
        .map(|s| (s.filters().unwrap_or_default(), &s.content[..]))
        .collect();
    // most pages cannot reach the cap whatever their streams hold: nothing to decode
    let bound = contents.iter().fold(0u64, |t, (f, c)| {
        t.saturating_add(streams::decoded_bound(f, c.len()))
    });
    if bound <= cap {
        return false;
    }
    let mut total = 0u64;
    for (filters, content) in &contents {
        let n = streams::decoded_size(filters, content, cap);
        total += n;
        if total > cap {
            return true;
        }
    }
    false
}

/// Pages are read in this many runs per thread: each run builds its fonts once for all its
/// pages, and more runs than threads keep the threads busy when pages differ in cost.
const PAGE_RUNS_PER_THREAD: usize = 4;

fn read_page(
    reader: &mut pdf_extract::PageReader,
    doc: &pdf_extract::Document,
    (num, id): (u32, pdf_extract::ObjectId),
    spare: &mut Vec<Glyph>,
) -> ReadPage {
    if content_too_large(doc, id, MAX_CONTENT_BYTES) {
        return ReadPage::new(
            PageGlyphs {
                number: num,
                ..Default::default()
            },
            Some(format!(
                "its content inflates beyond {} MiB (a decompression bomb?); the page was skipped",
                MAX_CONTENT_BYTES >> 20
            )),
            false,
            spare,
        );
    }
    // the glyph buffer of the page before: a page's glyphs are not grown from nothing again
    let mut c = Collector::new(MAX_GLYPHS_PER_PAGE);
    c.page.glyphs = std::mem::take(spare);
    let error = reader.read(num, id, &mut c).err().map(|e| e.to_string());
    ReadPage::new(c.page, error, c.truncated, spare)
}

/// The glyphs of one page (for `portolan blocks --glyphs`).
pub fn page_glyphs(bytes: &[u8], page: u32) -> Result<Vec<Glyph>, DocError> {
    let doc = load(bytes)?;
    let mut c = Collector::new(MAX_GLYPHS_PER_PAGE);
    pdf_extract::output_doc_page(&doc, &mut c, page).map_err(|e| pdf_error("page", e))?;
    Ok(c.page.glyphs)
}

/// Decodes a PDF into blocks.
pub fn decode(bytes: &[u8]) -> Result<Document, DocError> {
    let (doc, defused) = load_defused(bytes)?;
    let mut out = Document {
        meta: meta_of(&doc),
        warnings: defused,
        ..Default::default()
    };
    let mut pages: Vec<(u32, pdf_extract::ObjectId)> = doc.get_pages().into_iter().collect();
    if pages.is_empty() {
        return Err(DocError::Pdf("the PDF has no pages".into()));
    }
    if pages.len() > MAX_PAGES {
        out.warnings.push(format!(
            "the PDF has {} pages; only the first {MAX_PAGES} were read",
            pages.len()
        ));
        pages.truncate(MAX_PAGES);
    }
    let structure = tagged::structure(&doc).filter(|nodes| {
        nodes
            .iter()
            .any(|n| matches!(n, tagged::Node::Table { .. }))
    });
    // one thread: one run (each run builds the fonts again, and there is nothing to balance)
    let threads = rayon::current_num_threads();
    let runs = if threads == 1 {
        1
    } else {
        threads * PAGE_RUNS_PER_THREAD
    };
    let mut read: Vec<ReadPage> = pages
        .par_chunks(pages.len().div_ceil(runs).max(1))
        .map(|run| {
            let mut reader = pdf_extract::PageReader::new(&doc);
            let mut spare = Vec::new();
            run.iter()
                .map(|&page| read_page(&mut reader, &doc, page, &mut spare))
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    for (p, &(num, _)) in read.iter().zip(&pages) {
        if let Some(e) = &p.error {
            out.warnings
                .push(format!("page {num}: could not be read fully: {e}"));
        }
        if p.glyphs.unmapped > 0 {
            out.warnings.push(format!(
                "page {num}: {} glyphs have no Unicode mapping (no ToUnicode entry) and were left out",
                p.glyphs.unmapped
            ));
        }
        if p.truncated {
            out.warnings.push(format!(
                "page {num}: more than {MAX_GLYPHS_PER_PAGE} glyphs or rules; the rest was left out"
            ));
        }
    }
    if read.iter().all(|p| !p.has_text && p.error.is_none()) {
        out.warnings
            .push("no text found: the PDF may be scanned images (no OCR is done)".into());
    }
    // the structure tree is only trusted when every page with text has marked content
    let tagged_ok = read.iter().all(|p| !p.has_text || p.marked);
    (out.blocks, out.tables_read_by) = match structure {
        Some(nodes) if tagged_ok => (tagged_blocks(&nodes, &read), Some("structure tree")),
        _ => (layout_blocks(&mut read), Some("layout")),
    };
    if let Some(r) = crate::decode::release_in_title(&out.meta.title) {
        out.meta.release = r;
    }
    // producers stamp their own default /Lang (LibreOffice: en-US) on documents in any
    // language: a text in another script outvotes it (kana against en-US)
    if let Some(lang) = out.meta.language.clone() {
        let declared = crate::lang::canonical_tag(&lang);
        let sample = out.text_sample(20_000);
        // the script decides; the language is only named when it differs
        let found = crate::lang::script_of_text(&sample);
        if found.is_some() && found != crate::lang::script_of(&declared) {
            let found = crate::lang::detect(&sample);
            out.warnings.push(format!(
                "the PDF declares language {lang}, but its text is in {found}; /Lang was ignored"
            ));
            out.meta.language = None;
        }
    }
    Ok(out)
}

fn join_lines(lines: &[Line]) -> String {
    let mut s = String::new();
    for l in lines {
        let t = l.text();
        if !s.is_empty() && needs_space(&s, &t) {
            s.push(' ');
        }
        s.push_str(&t);
    }
    s
}

/// Blocks from the structure tree: every node's text is the glyphs of its marked content.
fn tagged_blocks(nodes: &[tagged::Node], read: &[ReadPage]) -> Vec<Block> {
    // (page, mcid) -> glyphs
    let mut by_mark: HashMap<(u32, i64), Vec<&Glyph>> = HashMap::new();
    for p in read {
        for g in &p.glyphs.glyphs {
            if let Some(mcid) = g.mcid {
                by_mark.entry((p.glyphs.number, mcid)).or_default().push(g);
            }
        }
    }
    let text_of = |marks: &tagged::Marks| -> String {
        let mut s = String::new();
        // the text before the first list item, then each item's, with its bullet
        for (k, item) in marks.split(|m| m.1 == tagged::LIST_ITEM).enumerate() {
            let mut per_page: BTreeMap<u32, Vec<&Glyph>> = BTreeMap::new();
            for m in item {
                if let Some(gs) = by_mark.get(m) {
                    per_page.entry(m.0).or_default().extend(gs.iter().copied());
                }
            }
            let mut t = String::new();
            let mut last = String::new();
            for gs in per_page.values() {
                let p = join_lines(&lines_of(gs));
                // a table head repeated on the next page is one element with content on both
                if p == last {
                    continue;
                }
                last = p.clone();
                if !t.is_empty() && needs_space(&t, &p) {
                    t.push(' ');
                }
                t.push_str(&p);
            }
            if t.is_empty() {
                continue;
            }
            // a list item whose label is text already (a drawn bullet or number) keeps it
            let labelled = t.starts_with(['•', '◦', '▪', '‣', '-', '–', '*'])
                || t.split_once(['.', ')']).is_some_and(|(n, _)| {
                    !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_alphanumeric())
                });
            if k > 0 && !labelled {
                t.insert_str(0, "• ");
            }
            if !s.is_empty() && needs_space(&s, &t) {
                s.push(' ');
            }
            s.push_str(&t);
        }
        s
    };
    let first_page = |marks: &tagged::Marks| marks.iter().map(|m| m.0).min();
    let x_of = |marks: &tagged::Marks| -> Option<(f64, f64)> {
        let gs = marks
            .iter()
            .filter_map(|m| by_mark.get(m))
            .flatten()
            .filter(|g| !g.is_space());
        gs.fold(None, |acc: Option<(f64, f64)>, g| {
            Some(acc.map_or((g.x0, g.x1), |(a, b)| (a.min(g.x0), b.max(g.x1))))
        })
    };
    let mut b = BlockBuilder::default();
    for n in nodes {
        match n {
            tagged::Node::Heading(m) => {
                b.page = first_page(m).or(b.page);
                let t = text_of(m);
                if !t.is_empty() {
                    b.heading(t);
                }
            }
            tagged::Node::Caption(m) => {
                b.page = first_page(m).or(b.page);
                let t = text_of(m);
                if !t.is_empty() {
                    b.caption(t);
                }
            }
            tagged::Node::Paragraph(m) | tagged::Node::Note(m) => {
                let page = first_page(m).or(b.page);
                b.page = page;
                let text = text_of(m);
                if text.is_empty() {
                    continue;
                }
                flow_block(&mut b, text, matches!(n, tagged::Node::Note(_)));
            }
            tagged::Node::Table { caption, rows } => {
                let rows = place_short_rows(rows, &x_of);
                let source: Vec<_> = rows
                    .iter()
                    .map(|(cells, head)| {
                        let page = cells.iter().filter_map(|(m, _)| first_page(m)).min();
                        let cells = cells
                            .iter()
                            .map(|(m, c)| crate::decode::SpanCell {
                                text: text_of(m),
                                ..c.clone()
                            })
                            .collect();
                        (cells, *head, page.unwrap_or(0))
                    })
                    .collect();
                let GridTable {
                    header,
                    rows,
                    row_tags,
                    ..
                } = resolve_grid(source, 2_000_000);
                let page = row_tags.first().copied().filter(|p| *p > 0).or(b.page);
                b.page = page;
                let caption = caption.as_ref().map(text_of).filter(|c| !c.is_empty());
                b.table(header, caption, TableBody::Grid(rows), 0);
                if let Some(Block::Table(t)) = b.blocks.last_mut() {
                    t.row_pages = row_tags;
                }
            }
        }
    }
    number_tables(b.blocks)
}

type TaggedRow = (Vec<(tagged::Marks, crate::decode::SpanCell)>, bool);

/// Some producers leave empty cells out of the structure tree, so a row can have fewer cells
/// than the table has columns. Such a row's cells are put in the column whose text starts at
/// the same x as theirs (columns measured on the complete rows); the gaps become empty cells.
/// Tables with rowspans are left as the tree gives them.
fn place_short_rows(
    rows: &[TaggedRow],
    x_of: &dyn Fn(&tagged::Marks) -> Option<(f64, f64)>,
) -> Vec<TaggedRow> {
    let width = |r: &TaggedRow| r.0.iter().map(|(_, c)| c.colspan.max(1)).sum::<usize>();
    let ncols = rows.iter().map(width).max().unwrap_or(0);
    if rows.iter().any(|r| r.0.iter().any(|(_, c)| c.rowspan > 1)) || ncols == 0 {
        return rows.to_vec();
    }
    // the text extent of each column on complete rows (header cells may be centred)
    let mut extent: Vec<Option<(f64, f64)>> = vec![None; ncols];
    for r in rows.iter().filter(|r| r.0.len() == ncols) {
        for (c, (m, _)) in r.0.iter().enumerate() {
            if let Some((x0, x1)) = x_of(m) {
                extent[c] = Some(extent[c].map_or((x0, x1), |(a, b)| (a.min(x0), b.max(x1))));
            }
        }
    }
    if extent.iter().any(Option::is_none) {
        return rows.to_vec();
    }
    let extent: Vec<(f64, f64)> = extent.into_iter().flatten().collect();
    // a cell's column: the one whose text it overlaps most, else the one whose text is nearest
    // (a left-aligned cell starts left of its centred header, past the gutter's middle)
    let column_of = |(x0, x1): (f64, f64)| -> usize {
        let score = |c: usize| {
            let (a, b) = extent[c];
            let overlap = x1.min(b) - x0.max(a);
            if overlap > 0.0 {
                overlap
            } else {
                overlap - 1e6 // no overlap: the nearer the better, after any overlap
            }
        };
        (0..ncols)
            .max_by(|&a, &b| score(a).total_cmp(&score(b)).then(b.cmp(&a)))
            .unwrap_or(0)
    };
    rows.iter()
        .map(|r| {
            if width(r) >= ncols || r.0.iter().any(|(_, c)| c.colspan > 1) {
                return r.clone();
            }
            let mut placed: Vec<Option<(tagged::Marks, crate::decode::SpanCell)>> =
                vec![None; ncols];
            let mut next = 0usize;
            for (m, c) in &r.0 {
                let col = x_of(m)
                    .map(column_of)
                    .unwrap_or(next)
                    .max(next)
                    .min(ncols - 1);
                placed[col] = Some((m.clone(), c.clone()));
                next = col + 1;
            }
            let cells = placed
                .into_iter()
                .map(|p| p.unwrap_or_else(|| (Vec::new(), crate::decode::SpanCell::default())))
                .collect();
            (cells, r.1)
        })
        .collect()
}

/// A paragraph of flow text: a caption ("Table 1: ..."), a note, or a paragraph.
fn flow_block(b: &mut BlockBuilder, text: String, note: bool) {
    let page = b.page;
    if crate::decode::text::is_caption(&text) {
        b.caption(text);
    } else if note || crate::decode::text::note_marker(&text).is_some() {
        b.blocks.push(Block::Note { text, page });
    } else {
        b.blocks.push(Block::Paragraph { text, page });
    }
}

/// Tables get their order number as `line` (what the report shows for formats without lines).
fn number_tables(mut blocks: Vec<Block>) -> Vec<Block> {
    let mut n = 0;
    for b in &mut blocks {
        if let Block::Table(t) = b {
            n += 1;
            t.line = n;
        }
    }
    blocks
}

/// Normalized text of a margin line, for finding running headers and footers: digits (page
/// numbers) do not count.
fn furniture_key(t: &str) -> String {
    t.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect::<String>()
        .to_lowercase()
}

fn is_page_number(t: &str) -> bool {
    let k = furniture_key(&crate::normalize::key(t));
    let k = k.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let words = &crate::vocab::vocab().page_words;
    let k = words
        .iter()
        .find_map(|w| k.strip_prefix(w.as_str()))
        .unwrap_or(k)
        .trim();
    !k.is_empty() && k.chars().all(|c| c == '#' || c == '/' || c == ' ') && k.starts_with('#')
        || k.contains("# of #")
}

/// Which lines of a page may be running headers and footers: those in the top or bottom band,
/// but for a top line that a chain of lines, each closer to the next than 1.5 times its size,
/// joins to the body (the first line of a table head repeated at the top of every page is the
/// table's). Page numbers sit close under the last line, so the bottom band has no such chain.
fn margin_lines(lines: &[Line], in_band: impl Fn(&Line) -> bool) -> Vec<bool> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
    let mut margin: Vec<bool> = lines.iter().map(&in_band).collect();
    let close = |a: &Line, b: &Line| (b.y - a.y).abs() < 1.5 * a.size.max(b.size);
    // the top band, upwards from the body
    for k in (0..order.len().saturating_sub(1)).rev() {
        let (i, next) = (order[k], order[k + 1]);
        if margin[i]
            && !margin[next]
            && lines[i].y < lines[next].y
            && close(&lines[i], &lines[next])
        {
            margin[i] = false;
        }
    }
    margin
}

/// Blocks from page layout (untagged PDFs).
fn layout_blocks(read: &mut [ReadPage]) -> Vec<Block> {
    let page_lines: Vec<Vec<Line>> = read.par_iter_mut().map(ReadPage::take_lines).collect();
    // running headers and footers: margin lines that repeat on two pages or more (page numbers
    // aside), or that are only a page number
    let in_band = |p: &PageGlyphs, l: &Line| l.y < p.height * 0.085 || l.y > p.height * 0.925;
    let margins: Vec<Vec<bool>> = read
        .iter()
        .zip(&page_lines)
        .map(|(p, lines)| margin_lines(lines, |l| in_band(&p.glyphs, l)))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (lines, margin) in page_lines.iter().zip(&margins) {
        let mut keys: Vec<String> = lines
            .iter()
            .zip(margin)
            .filter(|(_, m)| **m)
            .map(|(l, _)| furniture_key(&l.text()))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let multi_page = read.len() > 1;
    let body_lines: Vec<Vec<Line>> = page_lines
        .into_iter()
        .zip(&margins)
        .map(|(lines, margin)| {
            let (top, bottom) = lines
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |a, l| {
                    (a.0.min(l.y), a.1.max(l.y))
                });
            lines
                .into_iter()
                .zip(margin)
                .filter(|(l, m)| {
                    if !**m {
                        return true;
                    }
                    let t = l.text();
                    // a number alone ("12", "- 4 -") is a page number only as the page's first
                    // or last line: above a page number, it is a cell ("8445" on the last line
                    // of a row the page breaks), and two such cells on two pages are no
                    // running footer
                    if !t.chars().any(char::is_alphabetic) && is_page_number(&t) {
                        let outermost = l.y <= top + 1.0 || l.y >= bottom - 1.0;
                        return !outermost;
                    }
                    let repeated = multi_page && seen.get(&furniture_key(&t)).copied() > Some(1);
                    !(repeated || is_page_number(&t))
                })
                .map(|(l, _)| l)
                .collect()
        })
        .collect();
    let body = doc_body_size(body_lines.iter().flatten());
    let items: Vec<Vec<layout::Placed>> = read
        .par_iter()
        .zip(&body_lines)
        .map(|(p, lines)| page_items(lines, &p.glyphs.rules, p.glyphs.width, body))
        .collect();
    let mut b = BlockBuilder::default();
    // the last table laid out, while nothing else has come after it: (x0, x1, columns)
    let mut open_table: Option<(f64, f64, Vec<f64>)> = None;
    for (p, mut items) in read.iter().zip(items) {
        if matches!(b.blocks.last(), Some(Block::Table(_))) {
            layout::attach_page_top_remainder(&mut items, body);
            // a continuation at the page top with the same width, but columns found
            // differently (a column empty on this page): the columns of the page before
            if let (Some((x0, x1, cols)), Some(Item::Table(t))) =
                (&open_table, items.first_mut().map(|p| &mut p.item))
            {
                if t.cols.len() != cols.len()
                    && (t.x0 - x0).abs() < 3.0
                    && t.x1 <= x1 + 3.0
                    && t.x1 >= x0 + 0.8 * (x1 - x0)
                {
                    t.regrid(cols, body);
                }
            }
        }
        b.page = Some(p.glyphs.number);
        for it in items {
            match it.item {
                Item::Heading(t) => b.heading(t),
                Item::Caption(t) => b.caption(t),
                Item::Note(t) => flow_block(&mut b, t, true),
                Item::Paragraph(t) => flow_block(&mut b, t, false),
                Item::Table(t) => {
                    open_table = Some((t.x0, t.x1, t.cols.clone()));
                    let (header, rows) = split_header(t.rows);
                    if header.is_empty() && rows.is_empty() {
                        continue;
                    }
                    b.table(header, t.caption, TableBody::Grid(rows), 0);
                    if let Some(Block::Table(last)) = b.blocks.last_mut() {
                        last.last_row_open = t.open_bottom;
                    }
                }
            }
        }
    }
    number_tables(b.blocks)
}

fn doc_body_size<'a>(lines: impl Iterator<Item = &'a Line>) -> f64 {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for l in lines {
        *counts.entry((l.size * 2.0).round() as i64).or_default() += l
            .words
            .iter()
            .map(|w| w.text.chars().count())
            .sum::<usize>();
    }
    counts
        .iter()
        .max_by_key(|(s, n)| (**n, -**s))
        .map(|(s, _)| *s as f64 / 2.0)
        .unwrap_or(10.0)
}

fn has_number(row: &[String]) -> bool {
    row.iter().any(|c| {
        c.split(|ch: char| !ch.is_ascii_digit())
            .any(|d| !d.is_empty() && d.len() <= 5 && d.parse::<u32>().is_ok_and(|n| n <= 65535))
    })
}

/// The header of a laid-out table: the first one to three rows (a header whose cells wrap
/// may come out as several rows), whichever combination names the most column roles. Rows
/// with numbers in them are data.
fn split_header(mut rows: Vec<Vec<String>>) -> (Vec<String>, Vec<Vec<String>>) {
    if rows.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let v = vocab();
    let roles = |h: &[String]| h.iter().filter(|c| v.header_role(c).is_some()).count();
    let combine = |rs: &[Vec<String>]| -> Vec<String> {
        let width = rs[0].len();
        (0..width)
            .map(|c| {
                let mut s = String::new();
                for r in rs {
                    let t = r.get(c).map(String::as_str).unwrap_or("");
                    if t.is_empty() {
                        continue;
                    }
                    if !s.is_empty() && needs_space(&s, t) {
                        s.push(' ');
                    }
                    s.push_str(t);
                }
                s
            })
            .collect()
    };
    let mut best = (roles(&rows[0]), 1);
    for k in 2..=3.min(rows.len().saturating_sub(1)) {
        if has_number(&rows[k - 1]) {
            break;
        }
        let r = roles(&combine(&rows[..k]));
        if r > best.0 {
            best = (r, k);
        }
    }
    let header = combine(&rows[..best.1]);
    let body = rows.split_off(best.1);
    (header, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content-stream reader of the vendored pdf-extract (content_lexer.rs) gives the
    /// operations lopdf's parser gives, on every page of every PDF fixture and every form they
    /// draw (and its own unit tests cover what lopdf gives up on).
    #[test]
    fn hostile_tounicode_maps_are_read_without_panicking() {
        use pdf_extract::parse_unicode_map as map;
        // a count larger than its section, a truncated section
        assert_eq!(
            map(b"9 beginbfchar <01> <0041> endbfchar 3 beginbfchar <02>").len(),
            1
        );
        // a range of four billion codes: cut at 65,536 (less 2,048 lone surrogates)
        let m = map(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert_eq!((m.len(), m[&0].as_str()), (65_536 - 2048, "A"));
        // destinations that are not UTF-16, bytes that do not lex
        assert!(map(b"2 beginbfchar <01> <004> <02> <D800> endbfchar").is_empty());
        assert!(map(b"\xff\xfe(((( beginbfchar").is_empty());
        assert_eq!(
            map(b"1 beginbfrange <20> <21> [<0066006C> <0078>] endbfrange")[&0x20],
            "fl"
        );
    }

    #[test]
    fn content_lexer_reads_every_fixture_as_lopdf_does() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf");
        let mut pdfs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        pdfs.sort();
        assert!(pdfs.len() >= 10, "{} PDF fixtures", pdfs.len());
        let mut streams = 0;
        for path in pdfs {
            let doc = load(&std::fs::read(&path).unwrap()).unwrap();
            let contents: std::collections::HashSet<pdf_extract::ObjectId> = doc
                .get_pages()
                .values()
                .flat_map(|&p| doc.get_page_contents(p))
                .collect();
            for (id, o) in doc.objects.iter() {
                let Ok(stream) = o.as_stream() else { continue };
                let is_form = stream.dict.get(b"Subtype").and_then(|s| s.as_name()).ok()
                    == Some(&b"Form"[..]);
                if !is_form && !contents.contains(id) {
                    continue;
                }
                let data = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                let ours = pdf_extract::content_lexer::operations(&data);
                let theirs = pdf_extract::content::Content::decode(&data)
                    .unwrap()
                    .operations;
                assert_eq!(ours.len(), theirs.len(), "{}", path.display());
                for (a, b) in ours.iter().zip(&theirs) {
                    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", path.display());
                }
                streams += 1;
            }
        }
        assert!(streams >= 30, "{streams} content streams compared");
    }

    #[test]
    fn page_numbers_and_keys() {
        assert!(is_page_number("Página 3"));
        assert!(is_page_number("Seite 12"));
        assert!(is_page_number("페이지 2"));
        assert!(is_page_number("12"));
        assert!(is_page_number("Page 3"));
        assert!(is_page_number("- 4 -"));
        assert!(is_page_number("3 / 10"));
        assert!(!is_page_number("TCP 443"));
        assert_eq!(furniture_key("Guide, Page 12"), "guide, page ##");
    }

    #[test]
    fn wrapped_header_rows_are_combined() {
        let rows = vec![
            vec!["Listener".to_string(), "".into()],
            vec!["".to_string(), "Port".into()],
            vec!["Tomcat".to_string(), "TCP 8443".into()],
        ];
        let (h, body) = split_header(rows);
        assert_eq!(h, vec!["Listener", "Port"]);
        assert_eq!(body.len(), 1);
    }

    #[test]
    fn not_a_pdf_and_junk_are_errors() {
        assert!(decode(b"hello").is_err());
        assert!(decode(b"%PDF-1.4\n garbage garbage").is_err());
    }

    #[test]
    fn strings_and_release() {
        assert_eq!(pdf_string(b"\xfe\xff\x00A\x00B"), "AB");
        assert_eq!(
            crate::decode::release_in_title("Cisco Finesse Guide, Release 12.5(1)").as_deref(),
            Some("12.5(1)")
        );
    }
}
