//! reStructuredText (`.rst`, and `.txt` files that are really reStructuredText): section titles,
//! `list-table` and `csv-table` directives, lists, admonitions, literal blocks.

use super::BlockBuilder;
use crate::document::{Block, Document, TableBody};

/// How deep directive bodies and nested lists are decoded.
const MAX_DEPTH: usize = 16;

const ADMONITIONS: &[&str] = &[
    "note",
    "warning",
    "important",
    "tip",
    "caution",
    "danger",
    "attention",
    "hint",
    "error",
    "admonition",
    "seealso",
    "versionadded",
    "versionchanged",
    "deprecated",
];

/// Decodes a reStructuredText document.
pub fn decode(text: &str) -> Document {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace('\t', "    ");
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
    let mut b = BlockBuilder::default();
    parse(&lines, &mut b, 0, 0);
    Document {
        blocks: b.blocks,
        ..Document::default()
    }
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

fn is_rule(l: &str) -> bool {
    let t = l.trim_end();
    let mut cs = t.chars();
    match cs.next() {
        Some(c) if c.is_ascii_punctuation() && t != "::" => {
            t.len() >= 2 && t.chars().all(|x| x == c)
        }
        _ => false,
    }
}

/// The indented block after line `i` (blank lines inside kept), dedented, and where it ends.
fn body<'a>(lines: &[&'a str], start: usize, min: usize) -> (Vec<&'a str>, usize) {
    let mut end = start;
    let mut j = start;
    while j < lines.len() {
        if lines[j].trim().is_empty() {
            j += 1;
            continue;
        }
        if indent(lines[j]) >= min.max(1) {
            j += 1;
            end = j;
        } else {
            break;
        }
    }
    let block = &lines[start..end];
    let ind = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    let out = block.iter().map(|l| l.get(ind..).unwrap_or("")).collect();
    (out, end)
}

fn bullet(l: &str) -> Option<usize> {
    let t = l.trim_start();
    for m in ["- ", "* ", "+ ", "• "] {
        if t.starts_with(m) {
            return Some(m.len());
        }
    }
    if matches!(t, "-" | "*" | "+") {
        return Some(1);
    }
    // 1. #. (a) a)
    let cut = t.find(' ')?;
    let m = &t[..cut];
    let inner = m
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .or_else(|| m.strip_suffix('.'))
        .or_else(|| m.strip_suffix(')'))?;
    let ok = inner == "#"
        || (!inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit()))
        || (inner.len() == 1 && inner.chars().all(|c| c.is_ascii_alphabetic()));
    ok.then_some(cut + 1)
}

fn parse(lines: &[&str], b: &mut BlockBuilder, depth: usize, list_depth: u8) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let t = l.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        // overlined title
        if is_rule(l)
            && i + 2 < lines.len()
            && is_rule(lines[i + 2])
            && !lines[i + 1].trim().is_empty()
        {
            b.heading(inline(lines[i + 1].trim()));
            i += 3;
            continue;
        }
        // underlined title
        if i + 1 < lines.len()
            && is_rule(lines[i + 1])
            && !is_rule(l)
            && indent(l) == 0
            && !t.starts_with("..")
        {
            b.heading(inline(t));
            i += 2;
            continue;
        }
        if is_rule(l) {
            i += 1;
            continue;
        }
        if let Some(rest) = t.strip_prefix("..") {
            let (blk, end) = body(lines, i + 1, indent(l) + 1);
            directive(rest.trim(), &blk, b, depth);
            i = end.max(i + 1);
            continue;
        }
        if let Some(w) = bullet(l) {
            let ind = indent(l);
            let mut item = vec![l.get(ind + w..).unwrap_or("").trim()];
            let mut j = i + 1;
            while j < lines.len()
                && !lines[j].trim().is_empty()
                && indent(lines[j]) > ind
                && bullet(lines[j]).is_none()
            {
                item.push(lines[j].trim());
                j += 1;
            }
            b.blocks.push(Block::ListItem {
                text: inline(&item.join(" ")),
                depth: list_depth,
                page: None,
            });
            let (sub, end) = body(lines, j, ind + 1);
            if !sub.is_empty() {
                parse(&sub, b, depth + 1, list_depth.saturating_add(1));
            }
            i = end.max(j);
            continue;
        }
        // field list
        if let Some(f) = t.strip_prefix(':').filter(|f| !f.starts_with(':')) {
            if let Some(k) = f
                .find(": ")
                .or_else(|| f.strip_suffix(':').map(|x| x.len()))
            {
                let name = &f[..k];
                let val = f.get(k + 1..).unwrap_or("").trim();
                b.blocks.push(Block::ListItem {
                    text: inline(&format!("{name}: {val}")),
                    depth: list_depth,
                    page: None,
                });
                i += 1;
                continue;
            }
        }
        // paragraph (or definition list item)
        let ind = indent(l);
        let mut para = vec![t];
        let mut j = i + 1;
        while j < lines.len()
            && !lines[j].trim().is_empty()
            && indent(lines[j]) == ind
            && !(j + 1 < lines.len() && is_rule(lines[j + 1]))
        {
            para.push(lines[j].trim());
            j += 1;
        }
        if para.len() == 1
            && !t.ends_with("::")
            && j < lines.len()
            && !lines[j].trim().is_empty()
            && indent(lines[j]) > ind
        {
            let (def, end) = body(lines, j, ind + 1);
            let d: Vec<&str> = def
                .iter()
                .map(|x| x.trim())
                .filter(|x| !x.is_empty())
                .collect();
            b.blocks.push(Block::ListItem {
                text: inline(&format!("{}: {}", t, d.join(" "))),
                depth: list_depth,
                page: None,
            });
            i = end;
            continue;
        }
        let mut text = para.join(" ");
        let literal = text.ends_with("::");
        if literal {
            text.pop();
            if text.ends_with(':') && text.len() == 1 {
                text.clear();
            }
            let (code, end) = body(lines, j, ind + 1);
            if !text.trim().is_empty() {
                b.blocks.push(Block::Paragraph {
                    text: inline(text.trim()),
                    page: None,
                });
            }
            push_code(b, &code, "");
            i = end.max(j);
            continue;
        }
        b.blocks.push(Block::Paragraph {
            text: inline(&text),
            page: None,
        });
        i = j;
    }
}

fn push_code(b: &mut BlockBuilder, code: &[&str], lang: &str) {
    let text = code.join("\n").trim_matches('\n').to_string();
    if !text.is_empty() {
        b.blocks.push(Block::Code {
            text,
            lang: lang.to_string(),
            page: None,
        });
    }
}

fn directive(head: &str, blk: &[&str], b: &mut BlockBuilder, depth: usize) {
    let Some(k) = head.find("::") else {
        return; // comment
    };
    let name = head[..k].trim().to_ascii_lowercase();
    if name.contains(' ') || name.starts_with('_') || name.starts_with('|') || name.starts_with('[')
    {
        return; // target, substitution definition, footnote
    }
    let arg = head[k + 2..].trim();
    // options first, then the content
    let mut opts: Vec<(String, String)> = Vec::new();
    let mut n = 0;
    while n < blk.len() {
        let t = blk[n].trim();
        if let Some(f) = t.strip_prefix(':') {
            if let Some(e) = f.find(':') {
                opts.push((f[..e].to_ascii_lowercase(), f[e + 1..].trim().to_string()));
                n += 1;
                continue;
            }
        }
        break;
    }
    let content: Vec<&str> = blk[n..].to_vec();
    let opt = |o: &str| opts.iter().find(|(k, _)| k == o).map(|(_, v)| v.as_str());
    match name.as_str() {
        "code-block" | "code" | "sourcecode" | "literalinclude" | "highlight" => {
            push_code(b, &content, arg)
        }
        "image" | "figure" | "meta" | "contents" | "toctree" | "default-domain" | "include"
        | "raw" => {}
        "rubric" => b.caption(inline(arg)),
        "table" => {
            if !arg.is_empty() {
                b.caption(inline(arg));
            }
            parse(&content, b, depth + 1, 0);
        }
        "list-table" => list_table(arg, opt("header-rows"), &content, b),
        "csv-table" => {
            let delim = match opt("delim") {
                Some("tab") => b'\t',
                Some(d) if d.len() == 1 => d.as_bytes()[0],
                _ => b',',
            };
            let quote = match opt("quote") {
                Some(q) if q.len() == 1 => q.as_bytes()[0],
                _ => b'"',
            };
            let mut rows = super::csv::read_rows(&content.join("\n"), delim, quote);
            let header = match opt("header") {
                Some(h) => super::csv::read_rows(h, b',', b'"')
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
                None => {
                    let hr: usize = opt("header-rows").and_then(|v| v.parse().ok()).unwrap_or(0);
                    if hr > 0 && !rows.is_empty() {
                        rows.remove(0)
                    } else {
                        Vec::new()
                    }
                }
            };
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| r.iter().map(|c| inline(c)).collect())
                .collect();
            let header = header.iter().map(|c| inline(c)).collect();
            let (header, rows) = super::csv::square(header, rows);
            let cap = (!arg.is_empty()).then(|| inline(arg));
            b.table(header, cap, TableBody::Grid(rows), 0);
        }
        n if ADMONITIONS.contains(&n) => {
            let mut parts: Vec<String> = Vec::new();
            if !arg.is_empty() {
                parts.push(arg.to_string());
            }
            let mut sub = BlockBuilder::default();
            parse(&content, &mut sub, depth + 1, 0);
            parts.extend(sub.blocks.iter().filter_map(block_text));
            let text = inline(&parts.join(" "));
            if !text.is_empty() {
                b.blocks.push(Block::Note { text, page: None });
            }
        }
        _ => parse(&content, b, depth + 1, 0),
    }
}

fn block_text(bl: &Block) -> Option<String> {
    match bl {
        Block::Heading { text, .. }
        | Block::Caption { text, .. }
        | Block::Paragraph { text, .. }
        | Block::Note { text, .. }
        | Block::ListItem { text, .. }
        | Block::Code { text, .. } => Some(text.clone()),
        Block::Table(_) => None,
    }
}

fn list_table(arg: &str, header_rows: Option<&str>, content: &[&str], b: &mut BlockBuilder) {
    let hr: usize = header_rows.and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    let mut cell: Vec<String> = Vec::new();
    let flush_cell = |cur: &mut Option<Vec<String>>, cell: &mut Vec<String>| {
        if let Some(r) = cur.as_mut() {
            if !cell.is_empty() {
                r.push(inline(&cell.join(" ")));
            }
        }
        cell.clear();
    };
    for l in content {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let ind = indent(l);
        if ind == 0 && (t.starts_with("* ") || t == "*") {
            flush_cell(&mut cur, &mut cell);
            if let Some(r) = cur.take() {
                rows.push(r);
            }
            cur = Some(Vec::new());
            let rest = t[1..].trim();
            if let Some(c) = rest.strip_prefix('-') {
                cell.push(c.trim().to_string());
            } else if !rest.is_empty() {
                cell.push(rest.to_string());
            }
        } else if ind == 2 && (t.starts_with("- ") || t == "-") {
            flush_cell(&mut cur, &mut cell);
            cell.push(t[1..].trim().to_string());
        } else {
            cell.push(t.to_string());
        }
    }
    flush_cell(&mut cur, &mut cell);
    if let Some(r) = cur.take() {
        rows.push(r);
    }
    let cells: Vec<(Vec<super::SpanCell>, bool, u32)> = rows
        .into_iter()
        .enumerate()
        .map(|(k, r)| {
            (
                r.into_iter()
                    .map(|text| super::SpanCell {
                        text,
                        colspan: 1,
                        rowspan: 1,
                        th: false,
                    })
                    .collect(),
                k < hr,
                0,
            )
        })
        .collect();
    let mut g = super::resolve_grid(cells, 1_000_000);
    if hr == 0 {
        // resolve_grid took the first row as header; keep it as a row instead
        let w = g.header.len();
        g.rows
            .insert(0, std::mem::replace(&mut g.header, vec![String::new(); w]));
    }
    let cap = (!arg.is_empty()).then(|| inline(arg));
    b.table(g.header, cap, TableBody::Grid(g.rows), 0);
}

/// Inline markup taken off: literals, emphasis, references, roles, escapes.
fn inline(s: &str) -> String {
    let mut out = String::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '\\' {
            if let Some(&n) = cs.get(i + 1) {
                out.push(n);
            }
            i += 2;
            continue;
        }
        if c == '`' {
            let dbl = cs.get(i + 1) == Some(&'`');
            let start = if dbl { i + 2 } else { i + 1 };
            let close: Vec<char> = if dbl { vec!['`', '`'] } else { vec!['`'] };
            let mut j = start;
            let mut found = None;
            while j + close.len() <= cs.len() {
                if cs[j..j + close.len()] == close[..] {
                    found = Some(j);
                    break;
                }
                j += 1;
            }
            if let Some(e) = found {
                let inner: String = cs[start..e].iter().collect();
                let mut k = e + close.len();
                if dbl {
                    out.push_str(&inner);
                } else {
                    out.push_str(&title_part(&inner));
                    while cs.get(k) == Some(&'_') {
                        k += 1;
                    }
                }
                i = k;
                continue;
            }
        }
        if c == ':' && (i == 0 || !cs[i - 1].is_alphanumeric()) {
            // :role:`text`
            let mut j = i + 1;
            while j < cs.len()
                && (cs[j].is_alphanumeric() || matches!(cs[j], '-' | '_' | '.' | '+'))
            {
                j += 1;
            }
            if j > i + 1 && cs.get(j) == Some(&':') && cs.get(j + 1) == Some(&'`') {
                i = j + 1;
                continue;
            }
        }
        if c == '*' {
            let mut j = i;
            while cs.get(j) == Some(&'*') {
                j += 1;
            }
            if j - i <= 2 && cs.get(j).is_some_and(|n| !n.is_whitespace())
                || (i > 0 && !cs[i - 1].is_whitespace())
            {
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `title <target>` → title; `~a.b.c` → c.
fn title_part(s: &str) -> String {
    let s = s.trim();
    if let Some(lt) = s.rfind('<') {
        if s.ends_with('>') && lt > 0 {
            return s[..lt].trim().to_string();
        }
        if s.ends_with('>') {
            return s[1..s.len() - 1].to_string();
        }
    }
    if let Some(r) = s.strip_prefix('~') {
        return r.rsplit('.').next().unwrap_or(r).to_string();
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_lists() {
        let d =
            decode("=====\nTitle\n=====\n\nSub\n---\n\nOne\ntwo.\n\n- a\n- b\n\n  * c\n\n#. n\n");
        assert_eq!(
            d.blocks[0],
            Block::Heading {
                text: "Title".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[1],
            Block::Heading {
                text: "Sub".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[2],
            Block::Paragraph {
                text: "One two.".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[3],
            Block::ListItem {
                text: "a".into(),
                depth: 0,
                page: None
            }
        );
        assert_eq!(
            d.blocks[5],
            Block::ListItem {
                text: "c".into(),
                depth: 1,
                page: None
            }
        );
        assert_eq!(
            d.blocks[6],
            Block::ListItem {
                text: "n".into(),
                depth: 0,
                page: None
            }
        );
    }

    #[test]
    fn directives() {
        let d = decode(".. note::\n\n   Be *careful*.\n\n.. a comment\n   more\n\n::\n\n    code here\n\n.. code-block:: bash\n\n   ls\n");
        assert_eq!(
            d.blocks[0],
            Block::Note {
                text: "Be careful.".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[1],
            Block::Code {
                text: "code here".into(),
                lang: "".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[2],
            Block::Code {
                text: "ls".into(),
                lang: "bash".into(),
                page: None
            }
        );
        assert_eq!(d.blocks.len(), 3);
    }

    #[test]
    fn tables() {
        let d = decode(".. list-table:: T\n   :header-rows: 1\n\n   * - Port\n     - Desc\n\n   * - ``80``\n\n     - web\n       server\n\n.. csv-table::\n  :header: \"A\", \"B\"\n\n  \"x\",\t\"80/443\"\n  y, 1\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["Port", "Desc"]);
        assert_eq!(ts[0].caption.as_deref(), Some("T"));
        assert_eq!(
            ts[0].body,
            TableBody::Grid(vec![vec!["80".into(), "web server".into()]])
        );
        assert_eq!(ts[1].header, vec!["A", "B"]);
        assert_eq!(
            ts[1].body,
            TableBody::Grid(vec![
                vec!["x".into(), "80/443".into()],
                vec!["y".into(), "1".into()]
            ])
        );
    }

    #[test]
    fn inline_markup() {
        assert_eq!(
            inline(":ref:`Docs <x>` and `site <http://a>`_ \\*x"),
            "Docs and site *x"
        );
        assert_eq!(inline(":binary:`~bin.mongod` **b**"), "mongod b");
        assert_eq!(inline("|sub| é"), "|sub| é");
    }
}
