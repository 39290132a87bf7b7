//! Text and markdown: PDF text dumps with tab-separated tables, HTML renderings with one cell per
//! line, space-separated tables, markdown pipe tables (also broken ones, one cell per line), YAML
//! front matter, headings, captions, notes and footnotes.

use crate::decode::BlockBuilder;
use crate::document::{Block, Document, Format, Meta, TableBody};
use crate::normalize::{key, squash};
use crate::understand::cells::{parse_port_cell, CellParse};
use crate::vocab::{vocab, Role};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

static SEPARATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$").unwrap());
static MD_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$").unwrap());
/// HTML tags that markdown sources embed; anything else in angle brackets (`<FQDN>`, `<port>`)
/// is text and stays.
static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(?:a|b|i|u|s|p|br|hr|em|strong|code|span|div|sup|sub|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|img|font|small|big|tt|pre|kbd|var|abbr|cite|q|blockquote|section|nav|header|footer)\b[^<>]*/?>").unwrap()
});
static ITALIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[\s(\x22])_([^_\s][^_]*?)_($|[\s).,;:\x22])").unwrap());
static MD_LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap());
static HEADING_ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*\{#[^}]*\}\s*$").unwrap());
static BOLD_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\*\*([^*]+)\*\*\s*$").unwrap());
static FOOTNOTE_DEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\\?[*†‡§]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|[1-9]\s+\p{Lu}|[1-9]\s+\p{Han})").unwrap()
});

fn is_footnote_def(line: &str) -> bool {
    let first = line.trim_start().chars().next().unwrap_or(' ');
    (first.is_ascii_digit() || !first.is_alphanumeric()) && FOOTNOTE_DEF.is_match(line)
}

fn is_md_heading(line: &str) -> bool {
    line.trim_start().starts_with('#') && MD_HEADING.is_match(line)
}

/// Markdown and HTML inline markup to plain text: tags, links, bold, escapes, entities.
pub fn clean_inline(s: &str) -> String {
    if !s.contains(['<', '[', '*', '\\', '&', '`', '_']) {
        return squash(s);
    }
    let s = s.replace("<li>", " • ").replace("<LI>", " • ");
    let s = s
        .replace("<br/>", " ")
        .replace("<br />", " ")
        .replace("<br>", " ")
        .replace("**", "")
        .replace("\\<", "\u{E000}")
        .replace("\\>", "\u{E001}");
    let s = HTML_TAG.replace_all(&s, " ");
    let s = MD_LINK.replace_all(&s, "$1");
    let s = ITALIC.replace_all(&s, "$1$2$3");
    let s = s
        .replace('\u{E000}', "<")
        .replace('\u{E001}', ">")
        .replace("\\_", "_")
        .replace("\\|", "|")
        .replace('`', "");
    // "&amp;lt;" (escaped twice by a scraper) is "<"
    let s = decode_entities(&s.replace("&amp;", "&"));
    squash(&s)
}

/// Decodes HTML character references: numeric (`&#8211;`, `&#x2013;`) and every named one of
/// HTML5 (`&ndash;`, `&nbsp;` as a space). Anything else that starts with `&` stays.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .char_indices()
            .take(40)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
            .filter(|(_, c)| *c == ';')
            .map(|(i, _)| i + 1);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let text = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse::<u32>().ok(),
                }?;
                let c = match code {
                    0 => '\u{FFFD}',
                    c => char::from_u32(c).unwrap_or('\u{FFFD}'),
                };
                c.to_string()
            } else if name == "nbsp" {
                " ".to_string()
            } else {
                let i = super::entities::ENTITIES
                    .binary_search_by(|(n, _)| (*n).cmp(name))
                    .ok()?;
                super::entities::ENTITIES[i].1.to_string()
            };
            Some((text, e + 1))
        });
        match decoded {
            Some((text, len)) => {
                out.push_str(&text);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether an HTML tag (`<br/>`, `</td>`) is one that markdown sources embed; other text in angle
/// brackets (`<FQDN>`, `<port>`) is text.
pub(crate) fn is_html_tag(s: &str) -> bool {
    HTML_TAG
        .find(s.trim())
        .is_some_and(|m| m.len() == s.trim().len())
}

/// Reads YAML front matter (`---` ... `---` on the first lines) into `meta`; returns the number
/// of lines it takes (0 without front matter).
pub(crate) fn front_matter(lines: &[&str], meta: &mut Meta) -> usize {
    if lines.first().map(|l| l.trim()) != Some("---") {
        return 0;
    }
    let Some(end) = lines.iter().skip(1).position(|l| l.trim() == "---") else {
        return 0;
    };
    for l in &lines[1..=end] {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let v = v
            .trim()
            .trim_matches(|c| c == '\'' || c == '"')
            .trim()
            .to_string();
        if v.is_empty() || v == "null" {
            continue;
        }
        match k.trim().to_lowercase().as_str() {
            "title" => meta.title = v,
            "vendor" => meta.vendor = v,
            "product" => meta.product = v,
            "release" | "version" => meta.release = v,
            "lang" | "language" | "locale" | "ms.contentlocale" => meta.language = Some(v),
            _ => {}
        }
    }
    end + 2
}

fn split_pipe(s: &str) -> Vec<String> {
    let t = s.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut prev = '\0';
    for c in t.chars() {
        if c == '|' && prev != '\\' {
            cells.push(clean_inline(&cur));
            cur.clear();
        } else {
            cur.push(c);
        }
        prev = c;
    }
    cells.push(clean_inline(&cur));
    cells
}

fn separator_width(line: &str) -> Option<usize> {
    if !line.contains("---") || !SEPARATOR.is_match(line) {
        return None;
    }
    Some(line.split('|').filter(|p| p.contains('-')).count())
}

/// Pipe tables found in a first pass: start line -> (end line exclusive, table header, body).
fn find_pipe_tables(lines: &[&str]) -> BTreeMap<usize, (usize, Vec<String>, TableBody)> {
    let mut out = BTreeMap::new();
    let mut taken_until = 0usize;
    for s in 0..lines.len() {
        if s < taken_until {
            continue;
        }
        let Some(n) = separator_width(lines[s]) else {
            continue;
        };
        // header: the lines just above, as many as it takes to have n cells
        let mut header: Vec<String> = Vec::new();
        let mut start = s;
        if lines[s].trim_start().starts_with('|') {
            // a header row with leading pipes may wrap over several lines: take the lines back to
            // the one that starts with a pipe
            let mut k = s;
            while k > taken_until && s - k < 30 {
                k -= 1;
                if lines[k].trim().is_empty() {
                    break;
                }
                if lines[k].trim_start().starts_with('|') {
                    start = k;
                    header = split_pipe(&lines[k..s].join("\n"));
                    break;
                }
            }
        }
        let wrapped_header = !header.is_empty();
        while !wrapped_header && start > taken_until && header.len() < n {
            let l = lines[start - 1];
            if l.trim().is_empty() || !l.contains('|') || separator_width(l).is_some() {
                break;
            }
            let mut cells = split_pipe(l);
            cells.append(&mut header);
            header = cells;
            start -= 1;
        }
        if header.is_empty() {
            continue;
        }
        let header_broken = s - start > 1 && !lines[s].trim_start().starts_with('|');
        header.resize(n.max(header.len()), String::new());
        // rows broken over lines: with closing pipes a row runs to the line that ends with one;
        // without (the header has none), to the line that gives it all its cells
        let closing = lines[s - 1].trim_end().ends_with('|');
        let width = header.len();
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut j = s + 1;
        while j < lines.len() {
            let l = lines[j];
            if l.trim().is_empty() || !l.contains('|') || separator_width(l).is_some() {
                break;
            }
            // the next table's header line (followed by its separator) ends this one
            if j + 1 < lines.len() && separator_width(lines[j + 1]).is_some() {
                break;
            }
            let mut acc = l.to_string();
            let mut k = j;
            while !acc.trim_end().ends_with('|')
                && (closing || split_pipe(&acc).len() < width)
                && k + 1 < lines.len()
                && !lines[k + 1].trim().is_empty()
                && k - j < 60
            {
                k += 1;
                acc.push('\n');
                acc.push_str(lines[k]);
            }
            let cells = split_pipe(&acc);
            // without leading pipes, a row broken over lines comes as several short rows: join
            // them while they still fit the width
            let leading = acc.trim_start().starts_with('|');
            match rows.last_mut() {
                Some(prev)
                    if !leading
                        && prev.len() < n
                        && cells.len() < n
                        && prev.len() + cells.len() <= n =>
                {
                    prev.extend(cells)
                }
                _ => rows.push(cells),
            }
            j = k + 1;
        }
        let thin = rows
            .iter()
            .filter(|r| r.iter().filter(|c| !c.is_empty()).count() <= 1)
            .count();
        let body = if n >= 3 && (header_broken || (rows.len() >= 3 && thin * 3 > rows.len() * 2)) {
            TableBody::Stream {
                cells: rows.into_iter().flatten().collect(),
                continuation: false,
            }
        } else {
            TableBody::Grid(rows)
        };
        out.insert(start, (j, header, body));
        taken_until = j;
    }
    out
}

/// A line that is a header cell of a flattened table: short, no digits, a known role.
fn header_cell_role(line: &str) -> Option<Role> {
    let t = line.trim();
    if t.is_empty()
        || t.starts_with(['#', '-', '•', '*', '>', '['])
        || t.contains('|')
        || t.contains('\t')
        || t.chars().any(|c| c.is_ascii_digit())
        || t.split_whitespace().count() > 8
        || t.chars().count() > 70
    {
        return None;
    }
    vocab().header_role(t)
}

/// The words a caption or note marker is told by: the first few, so that a long paragraph is
/// not normalised whole to look at its start.
const LEADING_WORDS: usize = 8;

/// The text up to its `n`th ASCII space (the key of the part is the start of the whole's key:
/// `fold` never joins across an ASCII space), and whether words were left out.
fn leading_words(t: &str, n: usize) -> (&str, bool) {
    let t = t.trim_start();
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in t.char_indices() {
        if c.is_ascii_whitespace() {
            if in_word {
                words += 1;
                if words == n {
                    return (&t[..i], !t[i..].trim().is_empty());
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    (t, false)
}

pub(crate) fn is_caption(t: &str) -> bool {
    // "Table 4-3:" is in its first words; the rest never changes the answer
    let k = key(leading_words(t, LEADING_WORDS).0);
    vocab().caption_prefixes.iter().any(|p| {
        k.strip_prefix(p.as_str()).is_some_and(|rest| {
            let rest = rest.trim_start();
            // "Table 1:", "Table 1.", "表 1 :", "Table 4-3 "
            rest.starts_with(|c: char| c.is_ascii_digit()) && {
                let after =
                    rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '.');
                after.is_empty() || after.starts_with([':', ' '])
            }
        })
    })
}

/// A paragraph that is only a note marker ("Note", "(注)") or starts with one ("Note The ...").
pub(crate) fn note_marker(t: &str) -> Option<bool> {
    let (lead, more) = leading_words(t, LEADING_WORDS);
    let k = key(lead);
    let v = vocab();
    // a marker is a word or two: a text of more words than LEADING_WORDS is none
    if !more && v.note_markers.is(&k) {
        return Some(true);
    }
    let first = k.split_whitespace().next().unwrap_or("");
    if v.note_markers.is(first) && k.len() > first.len() {
        return Some(false);
    }
    None
}

fn is_heading_like(t: &str) -> bool {
    let words = t.split_whitespace().count();
    let first = t.chars().next().unwrap_or(' ');
    (1..=10).contains(&words)
        && t.chars().count() <= 80
        && !t.ends_with(['.', ':', ',', ';', '。', '：', '、', ')'])
        && (first.is_uppercase() || (first.is_alphabetic() && !first.is_ascii()))
        && !t.contains('|')
        && !t.contains('\t')
        && !t.starts_with(['-', '•', '*', '>'])
}

/// Splits a line of a space-separated table into cells: leading port, transport and direction
/// tokens each make a cell, the rest of the line is one text cell.
fn split_space_row(line: &str) -> Vec<String> {
    let v = vocab();
    let mut cells = Vec::new();
    let mut rest = line.trim();
    let (mut port, mut transport, mut direction) = (false, false, false);
    while !rest.is_empty() {
        let (tok, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let is_port = matches!(
            parse_port_cell(tok),
            CellParse::Ports(_) | CellParse::Placeholder
        );
        let is_transport = !v.transports_in(tok).is_empty()
            && tok.chars().all(|c| c.is_ascii_alphabetic() || c == '/');
        let is_direction = v.direction(tok).is_some();
        // each kind of cell at most once: a second "HTTP" is the description's first word
        if is_port && !port {
            port = true;
        } else if is_transport && !transport {
            transport = true;
        } else if is_direction && !direction {
            direction = true;
        } else {
            break;
        }
        cells.push(tok.to_string());
        rest = after.trim_start();
    }
    if !rest.is_empty() {
        cells.push(rest.to_string());
    }
    cells
}

/// Decodes text or markdown into blocks.
pub fn decode(text: &str, _format: Format) -> Document {
    let all: Vec<&str> = text.lines().collect();
    let mut meta = Meta::default();
    let skip = front_matter(&all, &mut meta);
    let lines = &all[skip..];
    let md_headings = lines.iter().any(|l| is_md_heading(l));
    let mut b = BlockBuilder::default();
    decode_lines(lines, skip, md_headings, &mut b);
    Document {
        meta,
        blocks: b.blocks,
        warnings: Vec::new(),
        ..Default::default()
    }
}

/// A heading's text without its `{#id}` anchor, as plain text.
pub(crate) fn strip_heading_id(s: &str) -> String {
    squash(&HEADING_ID.replace(s, ""))
}

/// Whether any of the lines is a markdown (ATX) heading.
pub(crate) fn has_md_heading(lines: &[&str]) -> bool {
    lines.iter().any(|l| is_md_heading(l))
}

/// Decodes a run of lines with the line heuristics into `b` (which keeps the heading and
/// caption context). `line0` is the number of source lines before `lines[0]`, so that a table's
/// line is its 1-based source line; `md_headings` says the whole document has markdown headings
/// (then a short line is not taken for a heading).
pub(crate) fn decode_lines(lines: &[&str], line0: usize, md_headings: bool, b: &mut BlockBuilder) {
    let skip = line0;
    let pipes = find_pipe_tables(lines);
    let v = vocab();
    let mut i = 0;
    while i < lines.len() {
        crate::budget::check();
        if let Some((end, header, body)) = pipes.get(&i) {
            b.table(header.clone(), None, body.clone(), skip + i + 1);
            i = *end;
            continue;
        }
        let raw = lines[i];
        let t = raw.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if let Some(c) = is_md_heading(raw)
            .then(|| MD_HEADING.captures(raw))
            .flatten()
        {
            let h = clean_inline(&HEADING_ID.replace(&c[2], ""));
            b.heading(h);
            i += 1;
            continue;
        }
        if raw.contains('\t') {
            let st = i;
            let mut rows: Vec<Vec<String>> = Vec::new();
            while i < lines.len() {
                if lines[i].contains('\t') {
                    rows.push(lines[i].split('\t').map(clean_inline).collect());
                    i += 1;
                    continue;
                }
                // a cell broken over lines in a PDF dump: a tab-less line between two rows
                // continues the last filled cell of the row above
                let next_is_row = lines.get(i + 1).is_some_and(|l| l.contains('\t'));
                let t = lines[i].trim();
                if rows.len() >= 2 && !t.is_empty() && next_is_row {
                    if let Some(cell) = rows
                        .last_mut()
                        .and_then(|r| r.iter_mut().rev().find(|c| !c.is_empty()))
                    {
                        cell.push(' ');
                        cell.push_str(&clean_inline(t));
                    }
                    i += 1;
                    continue;
                }
                break;
            }
            let header = rows.remove(0);
            b.table(header, None, TableBody::Grid(rows), skip + st + 1);
            continue;
        }
        if is_caption(t) {
            let c = clean_inline(t);
            b.caption(c);
            i += 1;
            continue;
        }
        if let Some(c) = BOLD_LINE
            .captures(t)
            .filter(|c| !c[1].trim().ends_with([':', '：']) && note_marker(&c[1]).is_none())
        {
            let c = clean_inline(&c[1]);
            b.caption(c);
            i += 1;
            continue;
        }
        // a layout table (pdftotext -layout): columns separated by runs of spaces
        if let Some(cols) = layout_header(raw) {
            let st = i;
            let header: Vec<String> = cols.iter().map(|(_, t)| t.clone()).collect();
            let starts: Vec<usize> = cols.iter().map(|(s, _)| *s).collect();
            i += 1;
            let mut rows: Vec<Vec<String>> = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                if l.trim().is_empty() {
                    // one blank line inside a table is allowed when a row follows it
                    let next_row = lines.get(i + 1).is_some_and(|n| segments(n).len() >= 2);
                    if next_row && !rows.is_empty() {
                        i += 1;
                        continue;
                    }
                    break;
                }
                if l.contains('\t') || l.contains('|') || layout_header(l).is_some() {
                    break;
                }
                let segs = segments(l);
                let mut row = vec![String::new(); starts.len()];
                for (pos, text) in &segs {
                    let col = starts.iter().rposition(|s| *s <= pos + 2).unwrap_or(0);
                    if !row[col].is_empty() {
                        row[col].push(' ');
                    }
                    row[col].push_str(text);
                }
                // a lone segment right of the first column continues the cell above it
                let filled: Vec<usize> = (0..row.len()).filter(|c| !row[*c].is_empty()).collect();
                if filled.len() == 1 && filled[0] > 0 {
                    if let Some(prev) = rows.last_mut() {
                        let c = filled[0];
                        if !prev[c].is_empty() {
                            prev[c].push(' ');
                        }
                        prev[c].push_str(&row[c]);
                        i += 1;
                        continue;
                    }
                }
                if filled.len() == 1
                    && segs.len() == 1
                    && !rows.is_empty()
                    && !is_heading_like(l.trim())
                {
                    break;
                }
                rows.push(row.iter().map(|c| clean_inline(c)).collect());
                i += 1;
            }
            b.table(header, None, TableBody::Grid(rows), skip + st + 1);
            continue;
        }
        // a space-separated table: a header line made only of header words ("Port Transport Description")
        let words: Vec<&str> = t.split_whitespace().collect();
        if words.len() >= 2
            && words.len() <= 8
            && words.iter().all(|w| v.header_role(w).is_some())
            && words
                .iter()
                .any(|w| v.header_role(w).is_some_and(|r| r.is_port()))
        {
            let header: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let st = i;
            i += 1;
            let mut cells: Vec<String> = Vec::new();
            let mut since_start = usize::MAX;
            while i < lines.len() {
                let l = lines[i].trim();
                if l.is_empty() {
                    i += 1;
                    continue;
                }
                let row = split_space_row(l);
                let starts_row = row.first().is_some_and(|c| {
                    matches!(
                        parse_port_cell(c),
                        CellParse::Ports(_) | CellParse::Placeholder
                    )
                });
                let complete = since_start >= header.len();
                if l.ends_with(':') || (!starts_row && complete) {
                    break;
                }
                if starts_row {
                    since_start = 0;
                }
                since_start = since_start.saturating_add(row.len());
                cells.extend(row);
                i += 1;
            }
            b.table(
                header,
                None,
                TableBody::Stream {
                    cells,
                    continuation: false,
                },
                skip + st + 1,
            );
            continue;
        }
        // a flattened table: three or more header cells in a row, one per paragraph
        if let Some((header, after)) = header_run(lines, i) {
            let st = i;
            i = after;
            let mut cells: Vec<String> = Vec::new();
            while i < lines.len() {
                let l = lines[i];
                let lt = l.trim();
                if lt.is_empty() {
                    i += 1;
                    continue;
                }
                if pipes.contains_key(&i)
                    || is_md_heading(l)
                    || l.contains('\t')
                    || is_caption(lt)
                    || note_marker(lt) == Some(true)
                    || is_footnote_def(lt)
                    || header_run(lines, i).is_some()
                {
                    break;
                }
                // one cell: this line and its indented continuation lines
                let mut cell = lt.to_string();
                i += 1;
                while i < lines.len()
                    && !lines[i].trim().is_empty()
                    && lines[i].starts_with(char::is_whitespace)
                    && !lines[i].contains('\t')
                {
                    cell.push(' ');
                    cell.push_str(lines[i].trim());
                    i += 1;
                }
                cells.push(clean_inline(&cell));
            }
            b.table(
                header,
                None,
                TableBody::Stream {
                    cells,
                    continuation: true,
                },
                skip + st + 1,
            );
            continue;
        }
        // blockquote (markdown notes: "> [!NOTE]")
        if t.starts_with('>') {
            let mut parts = Vec::new();
            while i < lines.len() && lines[i].trim().starts_with('>') {
                parts.push(lines[i].trim().trim_start_matches('>').trim().to_string());
                i += 1;
            }
            let text = clean_inline(&parts.join(" "));
            let is_note = text.starts_with("[!");
            let text = if is_note {
                text.split_once(']')
                    .map(|x| x.1.trim().to_string())
                    .unwrap_or(text)
            } else {
                text
            };
            b.blocks.push(if is_note {
                Block::Note { text, page: None }
            } else {
                Block::Paragraph { text, page: None }
            });
            continue;
        }
        // a paragraph: this line and its wrapped continuation lines
        let mut para = t.to_string();
        i += 1;
        while i < lines.len()
            && !lines[i].trim().is_empty()
            && !pipes.contains_key(&i)
            && !lines[i].contains('\t')
            && lines[i].starts_with(char::is_whitespace)
        {
            para.push(' ');
            para.push_str(lines[i].trim());
            i += 1;
        }
        let text = clean_inline(&para);
        if text.is_empty() {
            continue;
        }
        if note_marker(&text).is_some() || is_footnote_def(&para) {
            b.blocks.push(Block::Note { text, page: None });
        } else if !md_headings && is_heading_like(&text) {
            b.heading(text);
        } else {
            b.blocks.push(Block::Paragraph { text, page: None });
        }
    }
}

/// Segments of a line separated by two or more spaces, with their character offsets.
fn segments(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let st = i;
        while i < chars.len() {
            if chars[i].is_whitespace()
                && (chars[i] == '\t' || chars.get(i + 1).is_none_or(|c| c.is_whitespace()))
            {
                break;
            }
            i += 1;
        }
        out.push((
            st,
            chars[st..i].iter().collect::<String>().trim().to_string(),
        ));
    }
    out
}

/// The header line of a layout table: three or more header cells apart by runs of spaces, one of
/// them a port column.
fn layout_header(line: &str) -> Option<Vec<(usize, String)>> {
    if !line.contains("  ") || line.contains('|') || line.contains('\t') {
        return None;
    }
    let segs = segments(line);
    if segs.len() < 3 {
        return None;
    }
    let roles: Vec<Role> = segs
        .iter()
        .filter_map(|(_, t)| header_cell_role(t))
        .collect();
    (roles.len() == segs.len() && roles.iter().any(|r| r.is_port())).then_some(segs)
}

/// If three or more consecutive paragraphs from `i` are header cells (one a port column), returns
/// them and the line after the run.
fn header_run(lines: &[&str], i: usize) -> Option<(Vec<String>, usize)> {
    let mut j = i;
    let mut cells = Vec::new();
    let mut roles = Vec::new();
    while j < lines.len() {
        let t = lines[j].trim();
        if t.is_empty() {
            j += 1;
            continue;
        }
        match header_cell_role(t) {
            // a second listener (or notes, ...) column means the body has begun, and nothing
            // follows the notes column
            Some(r) if !r.is_port() && roles.contains(&r) => break,
            _ if roles.last().is_some_and(|r| matches!(r, Role::Notes)) => break,
            Some(Role::Host) if t.split_whitespace().count() > 3 => break,
            Some(r) => {
                cells.push(clean_inline(t));
                roles.push(r);
                j += 1;
            }
            None => break,
        }
    }
    let ports = roles.iter().filter(|r| r.is_port()).count();
    if cells.len() >= 3 && ports >= 1 && ports < cells.len() {
        Some((cells, j))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_and_note_markers_are_told_by_their_first_words() {
        let long = " word".repeat(200);
        assert_eq!(leading_words("  Table 4-3: Ports", 2), ("Table 4-3:", true));
        assert_eq!(leading_words("Note", 8), ("Note", false));
        assert_eq!(leading_words("a b  ", 2), ("a b", false));
        assert!(is_caption(&format!("Table 4-3: Ports used{long}")));
        assert!(!is_caption(&format!("Tables list ports{long}")));
        assert_eq!(note_marker("Note"), Some(true));
        assert_eq!(note_marker(&format!("Note The server{long}")), Some(false));
        assert_eq!(note_marker(&format!("The server{long}")), None);
    }

    #[test]
    fn inline_markup() {
        assert_eq!(clean_inline("**ポート**"), "ポート");
        assert_eq!(clean_inline("HTTPS <br/> TCP"), "HTTPS TCP");
        assert_eq!(
            clean_inline("see [Name resolution](#name-resolution) now"),
            "see Name resolution now"
        );
        assert_eq!(clean_inline("UDP &amp; TCP"), "UDP & TCP");
        assert_eq!(clean_inline("49152&#8211;65535"), "49152\u{2013}65535");
        assert_eq!(
            clean_inline("a&ndash;b &#x2014; &amp;lt;x&gt; &bogus; & c"),
            "a\u{2013}b \u{2014} <x> &bogus; & c"
        );
        assert_eq!(
            clean_inline("\"Client Frontend _\\<Server name\\>_\""),
            "\"Client Frontend <Server name>\""
        );
    }

    #[test]
    fn captions() {
        assert!(is_caption("Table 1: Cisco Finesse Server"));
        assert!(is_caption(
            "Table 1. Customer Collaboration Platform Port Utilization"
        ));
        assert!(is_caption("表 1 : Cisco Finesse Tomcat"));
        assert!(is_caption("表 3: プライマリおよびセカンダリ ノード通信"));
        assert!(!is_caption("Tables of ports"));
        assert!(!is_caption("Table1x"));
    }

    #[test]
    fn pipe_separator() {
        assert_eq!(separator_width("|---|---|---|"), Some(3));
        assert_eq!(separator_width("---|---|---|---|---|"), Some(5));
        assert_eq!(separator_width("|:-----|:-----|"), Some(2));
        assert_eq!(separator_width("|:--- |:--- |"), Some(2));
        assert_eq!(separator_width("a | b"), None);
    }

    #[test]
    fn layout_tables() {
        let text = "Table 3: Gateway\n\nService        Port            Protocol   Direction   Description\nSIP            5060, 5061      TCP        Inbound     Call signalling\n                                                       from trunks\nMedia          16384-32767     UDP        Both        RTP\n\nAfter the table.\n";
        let doc = decode(text, Format::Text);
        let t = doc.tables().next().expect("a table");
        assert_eq!(
            t.header,
            vec!["Service", "Port", "Protocol", "Direction", "Description"]
        );
        let TableBody::Grid(rows) = &t.body else {
            panic!()
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            vec![
                "SIP",
                "5060, 5061",
                "TCP",
                "Inbound",
                "Call signalling from trunks"
            ]
        );
        assert_eq!(rows[1][1], "16384-32767");
    }

    #[test]
    fn space_rows() {
        assert_eq!(
            split_space_row("2010 HTTP Open on server and firewall"),
            vec!["2010", "HTTP", "Open on server and firewall"]
        );
        assert_eq!(split_space_row("943"), vec!["943"]);
        assert_eq!(
            split_space_row("443 HTTPS HTTP services on the client PCs"),
            vec!["443", "HTTPS", "HTTP services on the client PCs"]
        );
        assert_eq!(
            split_space_row("Silverlight cross-domain policy listener").len(),
            1
        );
    }
}
