//! Markdown (CommonMark with GFM tables) through pulldown-cmark. The top-level blocks of the
//! source are read in order into one [`BlockBuilder`]: headings, GFM tables, code blocks, lists,
//! block quotes and HTML blocks (handed to the HTML decoder) by their markdown structure, and
//! every run of paragraph-like source (paragraphs, and what CommonMark takes for paragraphs in
//! scraped pages: pipe tables broken over lines, one cell per line, tab or space tables) by the
//! line heuristics of [`text`]. MDX wrappers (`<Tabs>`, `<TabItem>`, `:::note` fences) are
//! blanked first so that they hide nothing.

use crate::decode::{html, text, BlockBuilder};
use crate::document::{Block, Document, Meta, TableBody};
use crate::normalize::squash;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// A line that is only a JSX component tag (`<Tabs groupId="x">`, `</TabItem>`, `<Foo />`):
/// components have capitalised names, HTML elements do not.
static JSX_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*</?[A-Z][A-Za-z0-9_.]*(?:\s+[^<>]*)?/?>\s*$"#).expect("jsx pattern")
});
/// A Docusaurus admonition fence (`:::note`, `:::tip Title`, `:::`).
static ADMONITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*:::+\s*[A-Za-z-]*.*$").expect("admonition pattern"));

/// Lists nested deeper than this are read as their items' text (no deeper recursion).
const MAX_DEPTH: u8 = 32;

type Ev<'a> = (Event<'a>, Range<usize>);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Paragraph-like source for the line heuristics.
    Para,
    Heading,
    Table,
    Code,
    List,
    Quote,
    Html,
}

#[derive(Debug)]
struct Region {
    kind: Kind,
    /// Byte range in the body.
    src: Range<usize>,
    /// Its events (start and end tags included).
    events: Range<usize>,
}

/// Byte offsets of the starts of the lines of `s`.
fn line_starts(s: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(s.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Blanks the lines of MDX wrappers (components on their own line, admonition fences), keeping
/// every byte offset: the content inside them is read as if they were not there.
fn blank_wrappers(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for piece in body.split_inclusive('\n') {
        let line = piece.trim_end_matches(['\n', '\r']);
        if JSX_LINE.is_match(line) || ADMONITION.is_match(line) {
            out.extend(
                line.chars()
                    .map(|c| if c.is_whitespace() { c } else { ' ' }),
            );
            // keep byte length: a multi-byte char became one space
            let missing = line.len() - line.chars().count();
            out.extend(std::iter::repeat_n(' ', missing));
            out.push_str(&piece[line.len()..]);
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// Decodes a markdown document into blocks.
pub fn decode(source: &str) -> Document {
    let all: Vec<&str> = source.lines().collect();
    let mut meta = Meta::default();
    let skip = text::front_matter(&all, &mut meta);
    let starts = line_starts(source);
    let body_at = starts
        .get(skip)
        .copied()
        .unwrap_or(source.len())
        .min(source.len());
    let body = blank_wrappers(&source[body_at..]);
    let lines: Vec<&str> = body.lines().collect();
    let md_headings = text::has_md_heading(&lines);
    let mut d = Decoder {
        body: &body,
        lines: &lines,
        starts: line_starts(&body),
        skip,
        md_headings,
        b: BlockBuilder::default(),
        warnings: Vec::new(),
    };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Ev> = Parser::new_ext(&body, opts).into_offset_iter().collect();
    let regions = d.regions(&events);
    for r in &regions {
        d.region(r, &events);
    }
    Document {
        meta,
        blocks: d.b.blocks,
        warnings: d.warnings,
        ..Default::default()
    }
}

struct Decoder<'s> {
    body: &'s str,
    lines: &'s [&'s str],
    starts: Vec<usize>,
    skip: usize,
    md_headings: bool,
    b: BlockBuilder,
    warnings: Vec<String>,
}

/// The index of the event that closes the one opened at `i` (itself for a lone event).
fn close_of(events: &[Ev], i: usize) -> usize {
    if !matches!(events[i].0, Event::Start(_)) {
        return i;
    }
    let mut depth = 0usize;
    for (j, (e, _)) in events.iter().enumerate().skip(i) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// `<table` opened minus `</table>` closed in a piece of source.
fn open_tables(s: &str) -> isize {
    let l = s.to_ascii_lowercase();
    l.matches("<table").count() as isize - l.matches("</table").count() as isize
}

/// The cells of a pipe-table line as GFM splits them (unescaped pipes, outer pipes dropped).
fn pipe_cells(line: &str) -> usize {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t
        .strip_suffix('|')
        .filter(|r| !r.ends_with('\\'))
        .unwrap_or(t);
    let mut n = 1;
    let mut prev = '\0';
    for c in t.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

fn is_separator_line(l: &str) -> bool {
    let t = l.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ' | '\t'))
}

impl<'s> Decoder<'s> {
    /// The 0-based body line a byte offset is on.
    fn line_of(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at).saturating_sub(1)
    }

    /// The body lines a byte range covers.
    fn line_span(&self, r: &Range<usize>) -> Range<usize> {
        let a = self.line_of(r.start);
        let b = self.line_of(r.end.saturating_sub(1).max(r.start)) + 1;
        a..b.min(self.lines.len()).max(a)
    }

    /// Splits the body into top-level regions in source order: markdown structures, and
    /// paragraph-like runs (paragraphs with the blank lines between them, text the parser kept
    /// no event for, and structures that the line heuristics read better).
    fn regions(&self, events: &[Ev]) -> Vec<Region> {
        let mut out: Vec<Region> = Vec::new();
        let mut i = 0;
        let mut covered = 0usize;
        while i < events.len() {
            crate::budget::check();
            let j = close_of(events, i);
            let src = events[i].1.clone();
            let kind = match &events[i].0 {
                Event::Start(Tag::Heading { .. }) => {
                    // a setext "heading" made of a pipe row is a broken table's header
                    if self.body[src.clone()].contains('|') {
                        Kind::Para
                    } else {
                        Kind::Heading
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    if self.table_is_broken(&src, events, i, j) {
                        Kind::Para
                    } else {
                        Kind::Table
                    }
                }
                Event::Start(Tag::CodeBlock(_)) => Kind::Code,
                Event::Start(Tag::List(_)) => Kind::List,
                Event::Start(Tag::BlockQuote(_)) => Kind::Quote,
                Event::Start(Tag::HtmlBlock) => {
                    let s = &self.body[src.clone()];
                    // markdown swallowed by an HTML block (no blank line after a tag): pipe
                    // tables and headings, which the lines read
                    if open_tables(s) == 0
                        && s.lines().skip(1).any(|l| {
                            (l.contains('|') && is_separator_line(l))
                                || l.trim_start().starts_with("# ")
                                || l.trim_start().starts_with("## ")
                                || l.trim_start().starts_with("### ")
                                || l.trim_start().starts_with("#### ")
                        })
                    {
                        Kind::Para
                    } else {
                        Kind::Html
                    }
                }
                _ => Kind::Para,
            };
            // text between blocks that no event covers (link reference definitions)
            if src.start > covered && !self.body[covered..src.start].trim().is_empty() {
                out.push(Region {
                    kind: Kind::Para,
                    src: covered..src.start,
                    events: i..i,
                });
            }
            covered = covered.max(src.end);
            out.push(Region {
                kind,
                src,
                events: i..j + 1,
            });
            i = j + 1;
        }
        if covered < self.body.len() && !self.body[covered..].trim().is_empty() {
            out.push(Region {
                kind: Kind::Para,
                src: covered..self.body.len(),
                events: events.len()..events.len(),
            });
        }
        // a table right under a paragraph line with pipes: its header was broken over lines
        for k in 1..out.len() {
            if out[k].kind == Kind::Table && out[k - 1].kind == Kind::Para {
                let prev_end = self.line_span(&out[k - 1].src).end;
                let start = self.line_of(out[k].src.start);
                if start > 0 && prev_end == start && self.lines[start - 1].contains('|') {
                    out[k].kind = Kind::Para;
                }
            }
        }
        // HTML tables: from the region that opens one to the one that closes it, whatever the
        // blank lines between made of the parts
        // (a paragraph opens one only with a line that starts with the tag; an open table that
        // never closes takes nothing)
        let mut merged: Vec<Region> = Vec::new();
        let mut k = 0;
        while k < out.len() {
            let s = &self.body[out[k].src.clone()];
            let opens = match out[k].kind {
                Kind::Html => open_tables(s) > 0,
                Kind::Para => {
                    open_tables(s) > 0
                        && s.lines()
                            .any(|l| l.trim_start().to_ascii_lowercase().starts_with("<table"))
                }
                _ => false,
            };
            let mut r = Region {
                kind: out[k].kind,
                src: out[k].src.clone(),
                events: out[k].events.clone(),
            };
            k += 1;
            if opens {
                let mut end = k;
                let mut src = r.src.clone();
                while open_tables(&self.body[src.clone()]) > 0 && end < out.len() {
                    src.end = out[end].src.end;
                    end += 1;
                }
                if open_tables(&self.body[src.clone()]) <= 0 {
                    r.kind = Kind::Html;
                    r.src = src;
                    r.events.end = out[end - 1].events.end;
                    k = end;
                }
            }
            merged.push(r);
        }
        // consecutive paragraph-like regions make one run
        let mut runs: Vec<Region> = Vec::new();
        for r in merged {
            match runs.last_mut() {
                Some(last) if last.kind == Kind::Para && r.kind == Kind::Para => {
                    last.src.end = r.src.end;
                    last.events.end = r.events.end;
                }
                _ => runs.push(r),
            }
        }
        runs
    }

    /// A GFM table that the line heuristics read better: a row broken over lines (a line
    /// without the header's leading pipe, or with fewer cells), a second table's separator in
    /// the rows, or mostly rows of one cell (a table flattened one cell per line).
    fn table_is_broken(&self, src: &Range<usize>, events: &[Ev], i: usize, j: usize) -> bool {
        let span = self.line_span(src);
        let lines = &self.lines[span];
        if lines.len() < 2 {
            return false;
        }
        let lead = lines[0].trim_start().starts_with('|');
        let n = pipe_cells(lines[0]);
        for l in lines.iter().skip(2) {
            if l.trim().is_empty() {
                continue;
            }
            if !l.contains('|')
                || (lead && !l.trim_start().starts_with('|'))
                || pipe_cells(l) < n
                || is_separator_line(l)
            {
                return true;
            }
        }
        let (_, rows) = table_cells(&events[i..=j]);
        let thin = rows
            .iter()
            .filter(|r| r.iter().filter(|c| !c.is_empty()).count() <= 1)
            .count();
        n >= 3 && rows.len() >= 3 && thin * 3 > rows.len() * 2
    }

    /// The 1-based source line of a byte offset of the body.
    fn source_line(&self, at: usize) -> usize {
        self.skip + self.line_of(at) + 1
    }

    fn region(&mut self, r: &Region, events: &[Ev]) {
        match r.kind {
            Kind::Para => self.lines_of(&r.src),
            Kind::Html => {
                let src = &self.body[r.src.clone()];
                let line = self.source_line(r.src.start);
                self.html(src, line);
            }
            _ => self.blocks(&events[r.events.clone()], 0),
        }
    }

    /// An HTML fragment through the HTML decoder; markdown inside its table cells
    /// (`**bold**`, links) is made plain text.
    fn html(&mut self, src: &str, line: usize) {
        let from = self.b.blocks.len();
        let w = html::decode_fragment(src, &mut self.b, line);
        self.warnings.extend(w);
        for blk in &mut self.b.blocks[from..] {
            if let Block::Table(t) = blk {
                for h in &mut t.header {
                    *h = text::clean_inline(h);
                }
                if let TableBody::Grid(rows) = &mut t.body {
                    for c in rows.iter_mut().flatten() {
                        *c = text::clean_inline(c);
                    }
                }
            }
        }
    }

    /// Hands source lines to the line heuristics.
    fn lines_of(&mut self, src: &Range<usize>) {
        let span = self.line_span(src);
        if span.is_empty() {
            return;
        }
        let line0 = self.skip + span.start;
        text::decode_lines(&self.lines[span], line0, self.md_headings, &mut self.b);
    }

    /// Reads a sequence of sibling blocks; `depth` counts the lists they sit in.
    fn blocks(&mut self, events: &[Ev], depth: u8) {
        let mut i = 0;
        while i < events.len() {
            crate::budget::check();
            let j = close_of(events, i);
            let block = &events[i..=j];
            let range = events[i].1.clone();
            match &events[i].0 {
                Event::Start(Tag::Heading { .. }) => {
                    let h = text::strip_heading_id(&inline_text(&block[1..block.len() - 1]));
                    if !h.is_empty() {
                        self.b.heading(h);
                    }
                }
                Event::Start(Tag::Table(_)) => {
                    let (header, rows) = table_cells(block);
                    let line = self.source_line(range.start);
                    self.b.table(header, None, TableBody::Grid(rows), line);
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info
                            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                            .next()
                            .unwrap_or("")
                            .to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    let mut code = String::new();
                    for (e, _) in block {
                        if let Event::Text(t) = e {
                            code.push_str(t);
                        }
                    }
                    let code = code.trim_matches('\n').to_string();
                    if !code.trim().is_empty() {
                        self.b.blocks.push(Block::Code {
                            text: code,
                            lang,
                            page: None,
                        });
                    }
                }
                Event::Start(Tag::List(_)) => {
                    for k in items(block) {
                        self.item(&block[k], depth);
                    }
                }
                Event::Start(Tag::BlockQuote(_)) => self.quote(block),
                Event::Start(Tag::HtmlBlock) => {
                    let src = &self.body[range.clone()];
                    let line = self.source_line(range.start);
                    self.html(src, line);
                }
                Event::Start(Tag::Paragraph) | Event::Start(Tag::FootnoteDefinition(_)) => {
                    let t = inline_text(&block[1..block.len() - 1]);
                    if !t.is_empty() {
                        self.b.blocks.push(Block::Paragraph {
                            text: t,
                            page: None,
                        });
                    }
                }
                Event::Start(_) => self.blocks(&block[1..block.len() - 1], depth),
                Event::Text(_) | Event::Code(_) => {
                    // inline content directly in a tight list item
                    let t = inline_text(block);
                    if !t.is_empty() {
                        self.b.blocks.push(Block::Paragraph {
                            text: t,
                            page: None,
                        });
                    }
                }
                _ => {}
            }
            i = j + 1;
        }
    }

    /// One list item (its events without the item tags): its own text as one list item, then
    /// the blocks nested in it (lists one level deeper, tables, code).
    fn item(&mut self, events: &[Ev], depth: u8) {
        let mut text = String::new();
        let mut emitted = false;
        let mut i = 0;
        while i < events.len() {
            crate::budget::check();
            let j = close_of(events, i);
            let block = &events[i..=j];
            let inline = match &events[i].0 {
                Event::Start(Tag::Paragraph) => Some(&block[1..block.len() - 1]),
                Event::Start(
                    Tag::List(_)
                    | Tag::Table(_)
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::HtmlBlock
                    | Tag::Heading { .. },
                ) => None,
                _ => Some(block),
            };
            match inline {
                Some(inl) => {
                    let t = inline_text(inl);
                    if !t.is_empty() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(&t);
                    }
                }
                // past the nesting limit, the nested blocks are the item's text
                None if depth >= MAX_DEPTH => {
                    let t = inline_text(block);
                    if !t.is_empty() {
                        if !text.is_empty() {
                            text.push(' ');
                        }
                        text.push_str(&t);
                    }
                }
                None => {
                    self.flush_item(&mut text, &mut emitted, depth);
                    let nested = if matches!(events[i].0, Event::Start(Tag::List(_))) {
                        depth.saturating_add(1)
                    } else {
                        depth
                    };
                    self.blocks(block, nested);
                }
            }
            i = j + 1;
        }
        self.flush_item(&mut text, &mut emitted, depth);
    }

    fn flush_item(&mut self, text: &mut String, emitted: &mut bool, depth: u8) {
        let t = squash(text);
        text.clear();
        if t.is_empty() {
            return;
        }
        // text after a nested block is the item's, but the item is already out: a paragraph
        self.b.blocks.push(if *emitted {
            Block::Paragraph {
                text: t,
                page: None,
            }
        } else {
            Block::ListItem {
                text: t,
                depth,
                page: None,
            }
        });
        *emitted = true;
    }

    /// A block quote: its text as one block, a note when it starts with a GitHub alert marker
    /// (`> [!NOTE]`) or a note word; tables in it are tables.
    fn quote(&mut self, events: &[Ev]) {
        let inner = &events[1..events.len() - 1];
        let mut parts: Vec<String> = Vec::new();
        let mut tables: Vec<&[Ev]> = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            let j = close_of(inner, i);
            let block = &inner[i..=j];
            match &inner[i].0 {
                Event::Start(Tag::Table(_)) => tables.push(block),
                Event::Start(Tag::CodeBlock(_)) => {
                    let mut code = String::new();
                    for (e, _) in block {
                        if let Event::Text(t) = e {
                            code.push_str(t);
                        }
                    }
                    parts.push(squash(&code));
                }
                _ => parts.push(inline_text(block)),
            }
            i = j + 1;
        }
        let text = squash(&parts.join(" "));
        if !text.is_empty() {
            let alert = text.starts_with("[!");
            let text = if alert {
                text.split_once(']')
                    .map(|x| x.1.trim().to_string())
                    .unwrap_or(text)
            } else {
                text
            };
            self.b.blocks.push(if alert {
                Block::Note { text, page: None }
            } else {
                Block::Paragraph { text, page: None }
            });
        }
        for t in tables {
            self.blocks(t, 0);
        }
    }
}

/// The items of a list: the events inside each item.
fn items(list: &[Ev]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let inner = 1..list.len().saturating_sub(1);
    let mut i = inner.start;
    while i < inner.end {
        let j = close_of(list, i);
        if matches!(list[i].0, Event::Start(Tag::Item)) {
            out.push(i + 1..j);
        }
        i = j + 1;
    }
    out
}

/// Inline events to plain text: emphasis, links and code flattened, breaks and `<br>` a space,
/// an HTML tag markdown embeds dropped (one that is text, `<port>`, kept).
fn inline_text(events: &[Ev]) -> String {
    let mut out = String::new();
    push_inline(&mut out, events);
    squash(&out)
}

/// A table cell's text: as [`inline_text`], with each `<br>` a line break of the cell (a cell
/// that lists several items, one per line, keeps them apart).
fn cell_text(events: &[Ev]) -> String {
    let mut lines = Vec::new();
    let mut from = 0;
    for (k, (e, _)) in events.iter().enumerate() {
        if let Event::InlineHtml(h) | Event::Html(h) = e {
            if h.trim().to_ascii_lowercase().starts_with("<br") {
                lines.push(inline_text(&events[from..k]));
                from = k + 1;
            }
        }
    }
    lines.push(inline_text(&events[from..]));
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

fn push_inline(out: &mut String, events: &[Ev]) {
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::InlineHtml(h) | Event::Html(h) => {
                let lower = h.trim().to_ascii_lowercase();
                if lower.starts_with("<li") {
                    out.push_str(" • ");
                } else if lower.starts_with("<!--") || text::is_html_tag(h) {
                    out.push(' ');
                } else {
                    out.push_str(h);
                }
            }
            Event::FootnoteReference(l) => {
                out.push_str("[^");
                out.push_str(l);
                out.push(']');
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
}

/// The header and rows of a GFM table's events, cells as plain text.
fn table_cells(events: &[Ev]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<usize> = None;
    for (k, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::TableCell) => cell = Some(k + 1),
            Event::End(TagEnd::TableCell) => {
                let from = cell.take().unwrap_or(k);
                row.push(cell_text(&events[from..k]));
            }
            Event::End(TagEnd::TableHead) => header = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            _ => {}
        }
    }
    (header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Table;

    fn tables(md: &str) -> Vec<Table> {
        decode(md).tables().cloned().collect()
    }

    fn grid(t: &Table) -> &Vec<Vec<String>> {
        match &t.body {
            TableBody::Grid(rows) => rows,
            b => panic!("not a grid: {b:?}"),
        }
    }

    #[test]
    fn gfm_table() {
        let md = "# Ports\n\nIntro.\n\n| Port | Protocol | Use |\n|---|:---:|---|\n| `443` | **TCP** | [web](http://x) a<br>b |\n| 22 | TCP | ssh\n";
        let t = tables(md);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].header, vec!["Port", "Protocol", "Use"]);
        assert_eq!(t[0].heading.as_deref(), Some("Ports"));
        assert_eq!(t[0].line, 5);
        assert_eq!(
            grid(&t[0]),
            &vec![vec!["443", "TCP", "web a\nb"], vec!["22", "TCP", "ssh"]]
        );
    }

    #[test]
    fn table_without_leading_pipe() {
        let md = "Some text.\n\nPort | Protocol | Description\n---|---|\n80 | TCP | HTTP\n443 | TCP | HTTPS\n";
        let t = tables(md);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].header, vec!["Port", "Protocol", "Description"]);
        assert_eq!(t[0].line, 3);
        assert_eq!(grid(&t[0])[1], vec!["443", "TCP", "HTTPS"]);
    }

    #[test]
    fn html_table_block_with_rowspan() {
        let md = "## Firewall\n\n<table>\n  <tr><th>Port</th><th>Protocol</th><th>Service</th></tr>\n  <tr><td rowspan=\"2\">53</td><td>TCP</td><td>DNS</td></tr>\n\n  <tr><td>UDP</td><td>DNS &amp; more</td></tr>\n</table>\n\nAfter.\n";
        let d = decode(md);
        let t: Vec<&Table> = d.tables().collect();
        assert_eq!(t.len(), 1, "{:?}", d.blocks);
        assert_eq!(t[0].header, vec!["Port", "Protocol", "Service"]);
        assert_eq!(t[0].heading.as_deref(), Some("Firewall"));
        assert_eq!(t[0].line, 3);
        assert_eq!(
            grid(t[0]),
            &vec![vec!["53", "TCP", "DNS"], vec!["53", "UDP", "DNS & more"]]
        );
        assert!(d
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph { text, .. } if text == "After.")));
    }

    #[test]
    fn html_tables_only_when_they_close() {
        let md = "Use the `<table>` tag.\n\n| Port | Protocol |\n|---|---|\n| 22 | TCP |\n\n<table><tr><th>Port</th><th>Service</th></tr>\n<tr><td>**443**</td><td>[web](x)</td></tr></table>\n";
        let t = tables(md);
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!(grid(&t[0]), &vec![vec!["22", "TCP"]]);
        assert_eq!(grid(&t[1]), &vec![vec!["443", "web"]]);
        assert_eq!(t[1].line, 7);
    }

    #[test]
    fn entity_range() {
        let md = "| Port | Protocol |\n|---|---|\n| 49152&#8211;65535 | TCP |\n";
        let t = tables(md);
        assert_eq!(grid(&t[0])[0][0], "49152\u{2013}65535");
        let md = "Port | Protocol\n---|\n49152&#8211;65535 | TCP\n";
        let t = tables(md);
        assert_eq!(grid(&t[0])[0][0], "49152\u{2013}65535");
        let records = crate::understand::understand(&decode(
            "| Port | Protocol | Service |\n|---|---|---|\n| 49152&#8211;65535 | TCP | RPC |\n",
        ))
        .records;
        let ports: Vec<(u16, u16)> = records.iter().map(|r| (r.port_start, r.port_end)).collect();
        assert_eq!(ports, vec![(49152, 65535)]);
    }

    #[test]
    fn table_inside_tab_item() {
        let md = "## Rules\n\n<Tabs groupId=\"cni\">\n<TabItem value=\"Canal\">\n| Port | Protocol | Description\n|------|----------|------------\n| 8472 | UDP | VXLAN\n</TabItem>\n<TabItem value=\"Calico\">\n\n| Port | Protocol | Description\n|------|----------|------------\n| 179 | TCP | BGP\n\n</TabItem>\n</Tabs>\n\n:::note\n| Port | Protocol |\n|---|---|\n| 9099 | TCP |\n:::\n";
        let t = tables(md);
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(grid(&t[0]), &vec![vec!["8472", "UDP", "VXLAN"]]);
        assert_eq!(t[0].line, 5);
        assert_eq!(grid(&t[1]), &vec![vec!["179", "TCP", "BGP"]]);
        assert_eq!(grid(&t[2]), &vec![vec!["9099", "TCP"]]);
        assert_eq!(t[1].heading.as_deref(), Some("Rules"));
    }

    #[test]
    fn nested_list_depth() {
        let md = "- Open:\n  - TCP 80\n    - only for\n      HTTP\n  - TCP 443\n- Done\n";
        let d = decode(md);
        let items: Vec<(String, u8)> = d
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::ListItem { text, depth, .. } => Some((text.clone(), *depth)),
                _ => None,
            })
            .collect();
        assert_eq!(
            items,
            vec![
                ("Open:".to_string(), 0),
                ("TCP 80".to_string(), 1),
                ("only for HTTP".to_string(), 2),
                ("TCP 443".to_string(), 1),
                ("Done".to_string(), 0),
            ]
        );
    }

    #[test]
    fn deep_nesting_finishes() {
        let d = decode(&format!("{}x\n", "- ".repeat(20_000)));
        assert!(d
            .blocks
            .iter()
            .all(|b| matches!(b, Block::ListItem { depth, .. } if *depth <= MAX_DEPTH)));
        decode(&format!("{}x\n", "> ".repeat(20_000)));
        decode(&format!("{}x{}\n", "[".repeat(50_000), "]".repeat(50_000)));
    }

    #[test]
    fn code_block_lang() {
        let md = "Run:\n\n```bash title=\"x\"\nufw allow 443/tcp\nufw allow 80/tcp\n```\n";
        let d = decode(md);
        assert!(d.blocks.iter().any(|b| matches!(b,
            Block::Code { text, lang, .. } if lang == "bash" && text == "ufw allow 443/tcp\nufw allow 80/tcp")),
            "{:?}", d.blocks);
    }

    #[test]
    fn front_matter_title() {
        let md = "---\ntitle: \"Firewall ports\"\nversion: 2.1\n---\n\n# Ports\n\n| Port | Protocol |\n|---|---|\n| 443 | TCP |\n";
        let d = decode(md);
        assert_eq!(d.meta.title, "Firewall ports");
        assert_eq!(d.meta.release, "2.1");
        let t: Vec<&Table> = d.tables().collect();
        assert_eq!(t[0].line, 8, "front matter lines are counted");
    }

    #[test]
    fn paragraph_runs_keep_the_line_heuristics() {
        // a pipe table whose rows wrap onto the next lines
        let md = "# T\n\n| Port | Protocol | Description |\n|---|---|---|\n| 80 | TCP | a long\ndescription |\n| 443 | TCP | b |\n";
        let t = tables(md);
        assert_eq!(t.len(), 1);
        assert_eq!(
            grid(&t[0]),
            &vec![
                vec!["80", "TCP", "a long description"],
                vec!["443", "TCP", "b"]
            ]
        );
        // one cell per line after a run of header cells
        let md = "# T\n\nPort\n\nProtocol\n\nDescription\n\n80\n\nTCP\n\nweb\n";
        let t = tables(md);
        assert_eq!(t.len(), 1);
        assert!(matches!(t[0].body, TableBody::Stream { .. }));
        // notes
        let d = decode("> [!NOTE]\n> Keep port 22 closed.\n");
        assert_eq!(
            d.blocks,
            vec![Block::Note {
                text: "Keep port 22 closed.".into(),
                page: None
            }]
        );
    }
}
