//! HTML pages (html5ever through scraper) into the document model: headings, captions, notes,
//! paragraphs, and tables resolved into rectangular grids (rowspan copied down, colspan kept in
//! its first column so that a row spanning the table stays a section row). Navigation, headers,
//! footers, sidebars, scripts and styles are left out. The walk is iterative, so deeply nested
//! pages cannot overflow the stack.

use crate::decode::text::{is_caption, note_marker};
use crate::decode::{encoding, html_depth, resolve_grid, BlockBuilder, GridTable, SpanCell};
use crate::document::{Block, Document, Meta, TableBody};
use crate::error::DocError;
use crate::normalize::squash;
use crate::vocab::vocab;
use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node};

/// Largest colspan/rowspan honoured (the HTML limits are 1000 and 65534).
const MAX_SPAN: usize = 1000;
/// Largest table grid built (cells); a bigger table is cut with a warning.
const MAX_CELLS: usize = 2_000_000;

/// The encoding a page declares in its first bytes (`<meta charset>` or http-equiv).
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = &head[pos + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

/// Bytes to text: a BOM, then the declared charset, then UTF-8, then the legacy encoding the
/// bytes look like (chardetng).
pub fn decode_html_bytes(bytes: &[u8]) -> Result<(String, Vec<String>), DocError> {
    let mut warnings = Vec::new();
    if bytes.len() > encoding::MAX_BYTES {
        return Err(DocError::TooLarge {
            size: bytes.len() as u64,
            limit: encoding::MAX_BYTES as u64,
        });
    }
    if Encoding::for_bom(bytes).is_some() {
        return encoding::decode_text(bytes).map(|t| (t, warnings));
    }
    if bytes.contains(&0) {
        return Err(DocError::Binary);
    }
    if let Some(enc) = declared_charset(bytes) {
        let (text, _, had_errors) = enc.decode(bytes);
        if had_errors {
            warnings.push(format!(
                "the page declares {} but has bytes that are not {}; they were replaced",
                enc.name(),
                enc.name()
            ));
        }
        return encoding::check_text(text.into_owned()).map(|t| (t, warnings));
    }
    match encoding::decode_text_noting(bytes) {
        Ok((t, note)) => {
            warnings.extend(note.map(|n| format!("no charset declared and {n}")));
            Ok((t, warnings))
        }
        Err(DocError::Encoding(_)) => {
            // the likeliest encoding has invalid bytes: decode with replacements, and say so
            let enc = encoding::guess_legacy(bytes);
            let (text, _, _) = enc.decode(bytes);
            warnings.push(format!(
                "no charset declared, not UTF-8, and not valid {} either: read as {} with replacements",
                enc.name(),
                enc.name()
            ));
            encoding::check_text(text.into_owned()).map(|t| (t, warnings))
        }
        Err(e) => Err(e),
    }
}

fn is_skipped(el: &scraper::node::Element, parent_is_body: bool) -> bool {
    match el.name() {
        "script" | "style" | "noscript" | "template" | "nav" | "footer" | "aside" | "svg"
        | "iframe" | "head" | "button" | "select" | "form" => true,
        "header" => parent_is_body,
        _ => {
            let role = el.attr("role").unwrap_or("");
            if matches!(
                role,
                "navigation" | "banner" | "contentinfo" | "complementary" | "search"
            ) {
                return true;
            }
            let marks = format!(
                "{} {}",
                el.attr("class").unwrap_or(""),
                el.attr("id").unwrap_or("")
            )
            .to_lowercase();
            [
                "sidebar",
                "breadcrumb",
                "toc",
                "navbar",
                "site-header",
                "site-footer",
                "menu",
            ]
            .iter()
            .any(|m| {
                marks
                    .split(|c: char| !c.is_alphanumeric() && c != '-')
                    .any(|w| w == *m)
            })
        }
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "main"
            | "body"
            | "blockquote"
            | "pre"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "table"
            | "figure"
            | "figcaption"
            | "hr"
            | "br"
            | "tr"
            | "td"
            | "th"
            | "caption"
    )
}

fn superscript(c: char) -> char {
    match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        '9' => '⁹',
        c => c,
    }
}

/// Appends a text node; digits inside `<sup>` become superscript footnote marks.
fn push_text(out: &mut String, t: &str, in_sup: bool) {
    if in_sup && t.trim().chars().all(|c| c.is_ascii_digit()) {
        out.extend(t.trim().chars().map(superscript));
    } else {
        out.push_str(t);
    }
}

/// The text of an element, without nested tables and skipped elements; `<sup>` digits become
/// superscript marks and block children are apart by a space. Nested tables and skipped
/// elements are not entered, so reading every cell of tables nested in cells stays linear.
fn element_text(el: NodeRef<Node>) -> String {
    enum Step<'a> {
        Open(NodeRef<'a, Node>),
        Close(&'a scraper::node::Element),
    }
    let mut out = String::new();
    let mut sup = 0usize;
    let mut stack: Vec<Step> = el.children().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        crate::budget::check();
        match step {
            Step::Open(n) => match n.value() {
                Node::Element(e) => {
                    if e.name() == "table" || is_skipped(e, false) {
                        continue;
                    }
                    if e.name() == "sup" {
                        sup += 1;
                    } else if e.name() == "li" {
                        out.push_str(" • ");
                    } else if is_block(e.name()) {
                        out.push(' ');
                    }
                    stack.push(Step::Close(e));
                    stack.extend(n.children().rev().map(Step::Open));
                }
                Node::Text(t) => push_text(&mut out, t, sup > 0),
                _ => {}
            },
            Step::Close(e) => {
                if e.name() == "sup" {
                    sup = sup.saturating_sub(1);
                } else if is_block(e.name()) {
                    out.push(' ');
                }
            }
        }
    }
    squash(&out)
}

fn span(el: &scraper::node::Element, name: &str) -> usize {
    el.attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

struct HtmlTable {
    caption: Option<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    truncated: bool,
}

/// The rows of this table (not of tables nested in it), resolved into a grid.
fn build_table(table: ElementRef) -> HtmlTable {
    let mut caption = None;
    let mut trs: Vec<(ElementRef, bool)> = Vec::new(); // (row, in thead)
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "caption" => caption = Some(element_text(*child)).filter(|c| !c.is_empty()),
            "tr" => trs.push((child, false)),
            "thead" | "tbody" | "tfoot" => {
                let head = child.value().name() == "thead";
                for tr in child.children().filter_map(ElementRef::wrap) {
                    if tr.value().name() == "tr" {
                        trs.push((tr, head));
                    }
                }
            }
            _ => {}
        }
    }
    let mut rows: Vec<(Vec<SpanCell>, bool, u32)> = Vec::new();
    for (tr, head) in trs {
        let cells: Vec<SpanCell> = tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"))
            .map(|cell| SpanCell {
                text: element_text(*cell),
                colspan: span(cell.value(), "colspan"),
                rowspan: span(cell.value(), "rowspan"),
                th: cell.value().name() == "th",
            })
            .collect();
        rows.push((cells, head, 0));
    }
    let GridTable {
        header,
        rows,
        truncated,
        ..
    } = resolve_grid(rows, MAX_CELLS);
    HtmlTable {
        caption,
        header,
        rows,
        truncated,
    }
}

fn meta_of(html: &Html) -> Meta {
    let mut meta = Meta::default();
    let root = html.root_element();
    if let Some(lang) = root
        .value()
        .attr("lang")
        .or_else(|| root.value().attr("xml:lang"))
    {
        meta.language = Some(lang.to_string()).filter(|l| !l.trim().is_empty());
    }
    for node in html.tree.root().descendants() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        match e.name() {
            "title" if meta.title.is_empty() => meta.title = element_text(node),
            "meta" => {
                let key = e
                    .attr("name")
                    .or_else(|| e.attr("property"))
                    .or_else(|| e.attr("http-equiv"))
                    .unwrap_or("")
                    .to_lowercase();
                let content = e.attr("content").unwrap_or("").trim().to_string();
                if content.is_empty() {
                    continue;
                }
                match key.as_str() {
                    "content-language" | "language" | "dc.language" if meta.language.is_none() => {
                        meta.language = Some(content)
                    }
                    "vendor" | "dc.publisher" | "publisher" => meta.vendor = content,
                    "product" | "dc.subject.product" | "product-name" => meta.product = content,
                    "release" | "version" | "product-version" => meta.release = content,
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if meta.release.is_empty() {
        if let Some(r) = super::release_in_title(&meta.title) {
            meta.release = r;
        }
    }
    meta
}

/// What kind of block an element's text makes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Para,
    Heading,
    Note,
}

fn kind_of(e: &scraper::node::Element) -> Option<Kind> {
    match e.name() {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Kind::Heading),
        n if is_block(n) => {
            let class = e.attr("class").unwrap_or("").to_lowercase();
            let note = ["note", "important", "caution", "warning", "tip", "alert"]
                .iter()
                .any(|m| class.split(|c: char| !c.is_alphanumeric()).any(|w| w == *m));
            Some(if note { Kind::Note } else { Kind::Para })
        }
        _ => None,
    }
}

fn flush(b: &mut BlockBuilder, buf: &mut String, kind: Kind) {
    let text = squash(buf);
    buf.clear();
    if text.is_empty() {
        return;
    }
    match kind {
        Kind::Heading => b.heading(text),
        _ if is_caption(&text) => b.caption(text),
        Kind::Note => b.blocks.push(Block::Note { text, page: None }),
        Kind::Para if note_marker(&text).is_some() => {
            b.blocks.push(Block::Note { text, page: None })
        }
        Kind::Para => b.blocks.push(Block::Paragraph { text, page: None }),
    }
}

/// Decodes an HTML page into blocks.
pub fn decode(bytes: &[u8]) -> Result<Document, DocError> {
    let (text, mut warnings) = decode_html_bytes(bytes)?;
    if !text.contains('<') {
        warnings.push("no HTML markup found: read as plain text in one paragraph".into());
    }
    let html = Html::parse_document(&bounded(&text, &mut warnings));
    drop(text);
    let meta = meta_of(&html);
    let mut b = BlockBuilder::default();
    walk(&html, &mut b, &mut warnings, &|n| n);
    Ok(Document {
        meta,
        blocks: b.blocks,
        warnings,
        ..Default::default()
    })
}

/// The markup with elements nested past [`html_depth`]'s limits left out, with a warning.
fn bounded<'a>(text: &'a str, warnings: &mut Vec<String>) -> std::borrow::Cow<'a, str> {
    match html_depth::bound_nesting(text) {
        Some((flat, n)) => {
            warnings.push(format!(
                "{n} elements nested deeper than {} (or tables, lists and cells deeper than {}) \
                 were left out, their text kept",
                html_depth::MAX_DEPTH,
                html_depth::MAX_STRUCTURE_DEPTH
            ));
            std::borrow::Cow::Owned(flat)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Decodes a fragment of HTML (a block embedded in markdown) into blocks appended to `b`, which
/// keeps its heading and caption context. A table's line is `line` plus the lines before its
/// `<table` tag in the fragment. Returns the warnings.
pub fn decode_fragment(src: &str, b: &mut BlockBuilder, line: usize) -> Vec<String> {
    let mut warnings = Vec::new();
    let html = Html::parse_fragment(&bounded(src, &mut warnings));
    let lower = src.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("<table").map(|(i, _)| i).collect();
    let table_line = |n: usize| {
        starts
            .get(n.saturating_sub(1))
            .map_or(line, |&at| line + src[..at].matches('\n').count())
    };
    walk(&html, b, &mut warnings, &table_line);
    warnings
}

/// The walk over a parsed page: blocks in document order into `b`; `table_line` gives the line
/// of the n-th table (1-based).
fn walk(
    html: &Html,
    b: &mut BlockBuilder,
    warnings: &mut Vec<String>,
    table_line: &dyn Fn(usize) -> usize,
) {
    let mut buf = String::new();
    let mut kinds: Vec<Kind> = vec![Kind::Para];
    let mut skip = 0usize;
    // tables entered, each marked with whether its content was taken as a data table (and so
    // is not walked again as paragraphs); a layout table's content is walked as usual
    let mut table_stack: Vec<bool> = Vec::new();
    let mut in_table = 0usize;
    let mut sup = 0usize;
    let mut tables = 0usize;
    for edge in html.tree.root().traverse() {
        crate::budget::check();
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) => {
                    if skip > 0 {
                        skip += 1;
                        continue;
                    }
                    let parent_is_body = n
                        .parent()
                        .and_then(|p| p.value().as_element().map(|pe| pe.name() == "body"))
                        .unwrap_or(false);
                    if is_skipped(e, parent_is_body) {
                        skip = 1;
                        continue;
                    }
                    if e.name() == "table" {
                        flush(b, &mut buf, *kinds.last().unwrap_or(&Kind::Para));
                        let t = build_table(ElementRef::wrap(n).expect("an element"));
                        tables += 1;
                        if t.truncated {
                            warnings.push(format!("table {tables} is too large and was cut"));
                        }
                        let data = in_table > 0
                            || t.header.iter().any(|h| vocab().header_role(h).is_some());
                        if data && !t.header.is_empty() {
                            b.table(
                                t.header,
                                t.caption,
                                TableBody::Grid(t.rows),
                                table_line(tables),
                            );
                        }
                        table_stack.push(data);
                        if data {
                            in_table += 1;
                        }
                        continue;
                    }
                    if e.name() == "sup" {
                        sup += 1;
                    }
                    if let Some(k) = kind_of(e) {
                        if in_table == 0 {
                            flush(b, &mut buf, *kinds.last().unwrap_or(&Kind::Para));
                        }
                        let inherited = *kinds.last().unwrap_or(&Kind::Para);
                        kinds.push(if inherited == Kind::Note && k == Kind::Para {
                            Kind::Note
                        } else {
                            k
                        });
                    }
                }
                Node::Text(t) if skip == 0 && in_table == 0 => push_text(&mut buf, t, sup > 0),
                _ => {}
            },
            Edge::Close(n) => {
                let Node::Element(e) = n.value() else {
                    continue;
                };
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if e.name() == "table" {
                    if table_stack.pop().unwrap_or(false) {
                        in_table = in_table.saturating_sub(1);
                    } else {
                        flush(b, &mut buf, *kinds.last().unwrap_or(&Kind::Para));
                    }
                    continue;
                }
                if e.name() == "sup" {
                    sup = sup.saturating_sub(1);
                }
                if kind_of(e).is_some() {
                    let k = kinds.pop().unwrap_or(Kind::Para);
                    if in_table == 0 {
                        flush(b, &mut buf, k);
                    }
                }
            }
        }
    }
    flush(b, &mut buf, Kind::Para);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Table;

    fn tables(html: &str) -> Vec<Table> {
        decode(html.as_bytes()).unwrap().tables().cloned().collect()
    }

    #[test]
    fn spans_resolve_into_a_grid() {
        let t = tables(
            "<table><thead><tr><th>Listener</th><th>Port</th><th>Notes</th></tr></thead><tbody>\
             <tr><td colspan=3>Section A</td></tr>\
             <tr><td rowspan=3>SIP</td><td>TCP 5060</td><td rowspan=2>n1</td></tr>\
             <tr><td>TCP 5061</td></tr><tr><td>UDP 5060</td><td>n3</td></tr>\
             <tr><th>Listener</th><th>Port</th><th>Notes</th></tr>\
             <tr><td>HTTP</td><td>TCP 80<sup>1</sup></td><td>x<br>y</td></tr></tbody></table>",
        );
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].header, vec!["Listener", "Port", "Notes"]);
        let TableBody::Grid(rows) = &t[0].body else {
            panic!()
        };
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert_eq!(rows[0], vec!["Section A", "", ""]);
        assert_eq!(rows[1], vec!["SIP", "TCP 5060", "n1"]);
        assert_eq!(rows[2], vec!["SIP", "TCP 5061", "n1"]);
        assert_eq!(rows[3], vec!["SIP", "UDP 5060", "n3"]);
        assert_eq!(rows[4], vec!["HTTP", "TCP 80¹", "x y"]);
    }

    #[test]
    fn page_chrome_is_ignored_and_captions_found() {
        let d = decode(
            "<html lang='ja'><head><title>Guide, Release 12.5(1)</title><style>p{}</style></head>\
             <body><header><nav>Home | Port 9999</nav></header><div class='sidebar'>Port 8888</div>\
             <main><h2>Ports</h2><p>Table 1: Server</p><div class='note'>Note Keep 22 closed.</div>\
             <table><tr><th>Port</th><th>Notes</th></tr><tr><td>443</td><td>web</td></tr></table></main>\
             <footer>Port 7777</footer><script>var port = 6666;</script></body></html>"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(d.meta.language.as_deref(), Some("ja"));
        assert_eq!(d.meta.release, "12.5(1)");
        let all = format!("{:?}", d.blocks);
        for gone in ["9999", "8888", "7777", "6666"] {
            assert!(!all.contains(gone), "{all}");
        }
        let t = d.tables().next().unwrap();
        assert_eq!(t.caption.as_deref(), Some("Table 1: Server"));
        assert_eq!(t.heading.as_deref(), Some("Ports"));
        assert!(d
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Note { text, .. } if text.contains("Keep 22"))));
    }

    #[test]
    fn charsets() {
        let page = "<html><head><meta charset=\"shift_jis\"></head><body><p>リスナー ポート</p></body></html>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(page);
        let d = decode(&bytes).unwrap();
        assert!(format!("{:?}", d.blocks).contains("リスナー ポート"));
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-kr\"></head><body><p>포트 443</p></body></html>";
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(page);
        assert!(format!("{:?}", decode(&bytes).unwrap().blocks).contains("포트 443"));
        let page =
            "<html><head><meta charset=\"gb18030\"></head><body><p>端口 443</p></body></html>";
        let (bytes, _, _) = encoding_rs::GB18030.encode(page);
        assert!(format!("{:?}", decode(&bytes).unwrap().blocks).contains("端口 443"));
        let page = b"<html><body><p>Caf\xe9 port 80</p></body></html>";
        assert!(format!("{:?}", decode(page).unwrap().blocks).contains("Café"));
    }

    #[test]
    fn hostile_pages_finish() {
        let deep = format!(
            "{}<table><tr><th>Port</th></tr><tr><td>80</td></tr></table>{}",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        );
        let d = decode(deep.as_bytes()).unwrap();
        assert!(d.blocks.iter().any(|b| matches!(b, Block::Table(_))));
        let nested = "<table><tr><td><p>Table 1: SSH</p><table><tr><th>Port</th><th>Notes</th></tr><tr><td>22</td><td>ssh</td></tr></table></td></tr></table>";
        let t = tables(nested);
        assert_eq!(t.len(), 1, "the layout table is not a data table");
        assert_eq!(t[0].caption.as_deref(), Some("Table 1: SSH"));
        assert!(decode(b"<html><body><p>unclosed <b>bold <table><tr><td>1").is_ok());
        assert!(matches!(
            decode(&[0u8, 1, 2, 3, 0xff]),
            Err(DocError::Binary)
        ));
    }
}
