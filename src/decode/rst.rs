//! reStructuredText (`.rst`, and `.txt` files that are really reStructuredText): section titles,
//! grid and simple tables, `list-table` and `csv-table` directives, lists, admonitions, literal
//! blocks.

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
        crate::budget::check();
        let l = lines[i];
        let t = l.trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if let Some(end) = grid_table(lines, i, b).or_else(|| simple_table(lines, i, b)) {
            i = end;
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
            // a table inside the admonition is still a table, under the heading outside it
            for bl in sub.blocks {
                if let Block::Table(t) = bl {
                    b.table(t.header, t.caption, t.body, t.line);
                }
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

/// Most lines a grid or simple table may have, and the widest line, before it is read as text.
const MAX_TABLE_LINES: usize = 50_000;
const MAX_TABLE_WIDTH: usize = 2_000;
/// Cells a table may resolve into (as for list tables).
const MAX_TABLE_CELLS: usize = 1_000_000;

/// A line as display columns: an East Asian wide character takes two, the second a `'\0'`
/// placeholder, so borders line up as the author saw them.
fn columns_of(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        out.push(c);
        if is_wide(c) {
            out.push('\0');
        }
    }
    out
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// `+----+----+` or `+====+====+` (from its first non-blank character).
fn is_grid_border(t: &str) -> bool {
    let t = t.trim();
    t.len() >= 3
        && t.starts_with('+')
        && t.ends_with('+')
        && (t.contains('-') || t.contains('='))
        && t.chars().all(|c| matches!(c, '+' | '-' | '='))
        && !t.contains("++")
}

/// The text of one table cell from its lines: each trimmed, list items marked as HTML cells
/// mark them, joined with spaces, inline markup taken off.
fn cell_text(lines: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for l in lines {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        match ["- ", "* ", "+ ", "• "].iter().find(|m| t.starts_with(**m)) {
            Some(m) => parts.push(format!("• {}", t[m.len()..].trim())),
            None => parts.push(t.to_string()),
        }
    }
    inline(&parts.join(" "))
}

/// A line of a table at indent `ind` as display columns counted from the indent (a blank line
/// as none); `None` for a line less indented, which cannot belong to the table.
fn table_line(l: &str, ind: usize) -> Option<Vec<char>> {
    if l.trim().is_empty() {
        return Some(Vec::new());
    }
    if indent(l) < ind {
        return None;
    }
    Some(columns_of(l.get(ind..).unwrap_or("")))
}

/// A grid table starting at line `i`: pushes it and returns the line after it, or `None`
/// (nothing pushed) when the lines there are not a well-formed grid.
fn grid_table(lines: &[&str], i: usize, b: &mut BlockBuilder) -> Option<usize> {
    let first = lines[i];
    if !is_grid_border(first) {
        return None;
    }
    let ind = indent(first);
    let mut end = i;
    while end < lines.len() && end - i <= MAX_TABLE_LINES {
        let l = lines[end];
        let t = l.trim_start();
        if l.trim().is_empty() || indent(l) != ind || !(t.starts_with('+') || t.starts_with('|')) {
            break;
        }
        end += 1;
    }
    if end - i < 2 || end - i > MAX_TABLE_LINES || !is_grid_border(lines[end - 1]) {
        return None;
    }
    let grid: Vec<Vec<char>> = lines[i..end]
        .iter()
        .map(|l| columns_of(&l[ind..]))
        .collect();
    let rows = GridScan::parse(grid)?;
    let g = super::resolve_grid(rows, MAX_TABLE_CELLS);
    if g.header.is_empty() {
        return None;
    }
    b.table(g.header, None, TableBody::Grid(g.rows), 0);
    Some(end)
}

/// A cell found in a grid table: its rectangle on the `+` corners and its text.
struct GridCell {
    top: usize,
    left: usize,
    bottom: usize,
    right: usize,
    text: String,
}

/// Finds the cells of a grid table as rectangles bounded by `+`, `|` and `-` (docutils'
/// algorithm), with a bound on the work so a malformed grid costs no more than a few passes.
struct GridScan {
    g: Vec<Vec<char>>,
    bottom: usize,
    right: usize,
    steps: usize,
    budget: usize,
}

impl GridScan {
    fn at(&self, r: usize, c: usize) -> char {
        self.g.get(r).and_then(|l| l.get(c)).copied().unwrap_or(' ')
    }

    fn tick(&mut self) -> bool {
        self.steps += 1;
        self.steps <= self.budget
    }

    /// The rows of span cells (with whether each is a header row), or `None` if malformed.
    fn parse(mut g: Vec<Vec<char>>) -> Option<Vec<(Vec<super::SpanCell>, bool, u32)>> {
        let width = g[0].len();
        if !(3..=MAX_TABLE_WIDTH).contains(&width) {
            return None;
        }
        // every line must end on the right border, none run past it
        if g.iter()
            .any(|l| l.len() != width || !matches!(l[width - 1], '+' | '|'))
        {
            return None;
        }
        let bottom = g.len() - 1;
        // the head/body separator (`+===+`), read from here on as an ordinary border
        let sep = (1..bottom).find(|&r| {
            g[r][0] == '+' && g[r].contains(&'=') && g[r].iter().all(|c| matches!(c, '+' | '='))
        });
        for l in g.iter_mut() {
            if l[0] == '+' && l.iter().all(|c| matches!(c, '+' | '-' | '=')) {
                for c in l.iter_mut() {
                    if *c == '=' {
                        *c = '-';
                    }
                }
            }
        }
        let area = g.len().saturating_mul(width);
        let mut s = GridScan {
            g,
            bottom,
            right: width - 1,
            steps: 0,
            budget: area.saturating_mul(8).saturating_add(10_000),
        };
        let cells = s.cells()?;
        // row and column lines from the cells' corners
        let mut rows: Vec<usize> = cells.iter().map(|c| c.top).collect();
        rows.push(bottom);
        rows.sort_unstable();
        rows.dedup();
        let mut cols: Vec<usize> = cells.iter().map(|c| c.left).collect();
        cols.push(s.right);
        cols.sort_unstable();
        cols.dedup();
        let pos = |v: &[usize], x: usize| v.binary_search(&x).unwrap_or(0);
        let mut out: Vec<(Vec<super::SpanCell>, bool, u32)> = rows[..rows.len() - 1]
            .iter()
            .map(|&r| (Vec::new(), sep.is_some_and(|sep| r < sep), 0))
            .collect();
        let mut cells = cells;
        cells.sort_by_key(|c| (c.top, c.left));
        for c in cells {
            let r = pos(&rows, c.top);
            let span = super::SpanCell {
                rowspan: pos(&rows, c.bottom).saturating_sub(r).max(1),
                colspan: pos(&cols, c.right)
                    .saturating_sub(pos(&cols, c.left))
                    .max(1),
                text: c.text,
                th: false,
            };
            out[r].0.push(span);
        }
        Some(out)
    }

    fn cells(&mut self) -> Option<Vec<GridCell>> {
        if self.at(0, 0) != '+' {
            return None;
        }
        // per column, the row its cells reach down to so far
        let mut done = vec![0usize; self.right];
        let mut corners: std::collections::BTreeSet<(usize, usize)> = [(0, 0)].into();
        let mut cells = Vec::new();
        while let Some((top, left)) = corners.pop_first() {
            if top >= self.bottom || left >= self.right || top < done[left] {
                continue;
            }
            if self.steps > self.budget {
                return None;
            }
            let Some((bottom, right)) = self.scan_cell(top, left) else {
                continue;
            };
            for d in &mut done[left..right] {
                if *d != top {
                    return None; // overlapping cells
                }
                *d = bottom;
            }
            let text: Vec<String> = (top + 1..bottom)
                .map(|r| {
                    self.g[r][left + 1..right]
                        .iter()
                        .filter(|&&c| c != '\0')
                        .collect()
                })
                .collect();
            cells.push(GridCell {
                top,
                left,
                bottom,
                right,
                text: cell_text(&text),
            });
            corners.insert((top, right));
            corners.insert((bottom, left));
        }
        if self.steps > self.budget || done.iter().any(|&d| d != self.bottom) {
            return None;
        }
        Some(cells)
    }

    fn scan_cell(&mut self, top: usize, left: usize) -> Option<(usize, usize)> {
        if self.at(top, left) != '+' {
            return None;
        }
        for c in left + 1..=self.right {
            if !self.tick() {
                return None;
            }
            match self.at(top, c) {
                '+' => {
                    if let Some(bottom) = self.scan_down(top, left, c) {
                        return Some((bottom, c));
                    }
                }
                '-' => {}
                _ => return None,
            }
        }
        None
    }

    fn scan_down(&mut self, top: usize, left: usize, right: usize) -> Option<usize> {
        for r in top + 1..=self.bottom {
            if !self.tick() {
                return None;
            }
            match self.at(r, right) {
                '+' => {
                    if self.scan_left_up(top, left, r, right) {
                        return Some(r);
                    }
                }
                '|' => {}
                _ => return None,
            }
        }
        None
    }

    fn scan_left_up(&mut self, top: usize, left: usize, bottom: usize, right: usize) -> bool {
        for c in (left + 1..right).rev() {
            if !self.tick() || !matches!(self.at(bottom, c), '+' | '-') {
                return false;
            }
        }
        if self.at(bottom, left) != '+' {
            return false;
        }
        for r in (top + 1..bottom).rev() {
            if !self.tick() || !matches!(self.at(r, left), '+' | '|') {
                return false;
            }
        }
        true
    }
}

/// The columns of a simple-table border (`=====  =====`) or span underline (`-----  --`):
/// (start, end) of each run, when the line is made only of runs of `ch` and spaces.
fn runs(l: &[char], ch: char) -> Option<Vec<(usize, usize)>> {
    if l.first() != Some(&ch) || l.iter().any(|&c| c != ch && c != ' ') {
        return None;
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < l.len() {
        if l[k] == ch {
            let s = k;
            while k < l.len() && l[k] == ch {
                k += 1;
            }
            out.push((s, k));
        } else {
            k += 1;
        }
    }
    Some(out)
}

/// A border of a simple table: at least two columns of `=`.
fn simple_border(l: &[char]) -> Option<Vec<(usize, usize)>> {
    runs(l, '=').filter(|r| r.len() >= 2)
}

/// A simple table starting at line `i`: pushes it and returns the line after it, or `None`.
fn simple_table(lines: &[&str], i: usize, b: &mut BlockBuilder) -> Option<usize> {
    let first = lines[i];
    if !first.trim_start().starts_with('=') {
        return None;
    }
    let ind = indent(first);
    let top = columns_of(first.get(ind..)?);
    let cols = simple_border(&top)?;
    if top.len() > MAX_TABLE_WIDTH {
        return None;
    }
    // the head/body separator and the bottom border
    let mut borders = Vec::new();
    let mut j = i + 1;
    let end = loop {
        if j >= lines.len() || j - i > MAX_TABLE_LINES {
            return None;
        }
        let l = table_line(lines[j], ind)?;
        if simple_border(&l).is_some() {
            borders.push(j);
            let last = j + 1 >= lines.len() || lines[j + 1].trim().is_empty();
            if borders.len() == 2 || last {
                break j;
            }
        }
        j += 1;
    };
    let mut source: Vec<(Vec<super::SpanCell>, bool, u32)> = Vec::new();
    if borders.len() == 2 {
        simple_rows(lines, i + 1, borders[0], ind, &cols, true, &mut source);
        simple_rows(lines, borders[0] + 1, end, ind, &cols, false, &mut source);
    } else {
        simple_rows(lines, i + 1, end, ind, &cols, false, &mut source);
    }
    if source.is_empty() {
        return None;
    }
    let g = super::resolve_grid(source, MAX_TABLE_CELLS);
    b.table(g.header, None, TableBody::Grid(g.rows), 0);
    Some(end + 1)
}

/// The rows of a simple table between two borders: a line whose first column holds text
/// starts a row, any other line continues it; a `---` underline closes the row above and gives
/// its column spans.
fn simple_rows(
    lines: &[&str],
    from: usize,
    to: usize,
    ind: usize,
    cols: &[(usize, usize)],
    head: bool,
    out: &mut Vec<(Vec<super::SpanCell>, bool, u32)>,
) {
    let second = cols.get(1).map_or(usize::MAX, |c| c.0);
    let mut row: Vec<Vec<char>> = Vec::new();
    for l in &lines[from..to] {
        let l = table_line(l, ind).unwrap_or_default();
        if l.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        if let Some(span) = runs(&l, '-') {
            if !row.is_empty() {
                out.push((simple_cells(&row, cols, &span), head, 0));
                row.clear();
            }
            continue;
        }
        let starts = l.iter().take(second).any(|c| !c.is_whitespace());
        if starts && !row.is_empty() {
            out.push((simple_cells(&row, cols, cols), head, 0));
            row.clear();
        }
        row.push(l);
    }
    if !row.is_empty() {
        out.push((simple_cells(&row, cols, cols), head, 0));
    }
}

/// The cells of one simple-table row laid out in `spans` (the table's columns, or an
/// underline's): each word goes to the column it starts in, text past the last column to it.
fn simple_cells(
    row: &[Vec<char>],
    cols: &[(usize, usize)],
    spans: &[(usize, usize)],
) -> Vec<super::SpanCell> {
    let mut texts: Vec<Vec<String>> = vec![Vec::new(); spans.len()];
    for l in row {
        let mut line: Vec<String> = vec![String::new(); spans.len()];
        let mut k = 0;
        while k < l.len() {
            if l[k].is_whitespace() {
                k += 1;
                continue;
            }
            let s = k;
            while k < l.len() && !l[k].is_whitespace() {
                k += 1;
            }
            let word: String = l[s..k].iter().filter(|&&c| c != '\0').collect();
            let col = spans.iter().rposition(|sp| sp.0 <= s).unwrap_or(0);
            if !line[col].is_empty() {
                line[col].push(' ');
            }
            line[col].push_str(&word);
        }
        for (t, w) in texts.iter_mut().zip(line) {
            if !w.is_empty() {
                t.push(w);
            }
        }
    }
    spans
        .iter()
        .enumerate()
        .map(|(n, sp)| {
            let next = spans.get(n + 1).map_or(usize::MAX, |x| x.0);
            let colspan = cols.iter().filter(|c| c.0 >= sp.0 && c.0 < next).count();
            super::SpanCell {
                text: cell_text(&texts[n]),
                colspan: colspan.max(1),
                rowspan: 1,
                th: false,
            }
        })
        .collect()
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

    fn grid(rows: &[&[&str]]) -> TableBody {
        TableBody::Grid(
            rows.iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        )
    }

    const SPEC_GRID: &str = "\
+------------+------------+-----------+
| Header 1   | Header 2   | Header 3  |
+============+============+===========+
| body row 1 | column 2   | column 3  |
+------------+------------+-----------+
| body row 2 | Cells may span columns.|
+------------+------------+-----------+
| body row 3 | Cells may  | - Cells   |
+------------+ span rows. | - contain |
| body row 4 |            | - blocks. |
+------------+------------+-----------+
";

    #[test]
    fn grid_table_plain() {
        let d = decode("Ports\n=====\n\n+------+-------+\n| Port | Proto |\n+======+=======+\n| 22   | TCP   |\n+------+-------+\n| 443  | TCP   |\n+------+-------+\n\nAfter.\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].header, vec!["Port", "Proto"]);
        assert_eq!(ts[0].heading.as_deref(), Some("Ports"));
        assert_eq!(ts[0].body, grid(&[&["22", "TCP"], &["443", "TCP"]]));
        assert_eq!(
            d.blocks.last(),
            Some(&Block::Paragraph {
                text: "After.".into(),
                page: None
            })
        );
    }

    #[test]
    fn grid_table_spans() {
        let d = decode(SPEC_GRID);
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].header, vec!["Header 1", "Header 2", "Header 3"]);
        assert_eq!(
            ts[0].body,
            grid(&[
                &["body row 1", "column 2", "column 3"],
                // a column span keeps its text in its first column
                &["body row 2", "Cells may span columns.", ""],
                // a row span copies its text down
                &[
                    "body row 3",
                    "Cells may span rows.",
                    "• Cells • contain • blocks."
                ],
                &[
                    "body row 4",
                    "Cells may span rows.",
                    "• Cells • contain • blocks."
                ],
            ])
        );
    }

    #[test]
    fn grid_table_column_span_in_header() {
        let d = decode("+------+------------+\n| Port | Transport  |\n|      +-----+------+\n|      | TCP | UDP  |\n+======+=====+======+\n| 53   | yes | yes  |\n+------+-----+------+\n");
        let ts: Vec<_> = d.tables().collect();
        // multi-line header rows combine per column; the row-spanning "Port" once
        assert_eq!(ts[0].header, vec!["Port", "Transport TCP", "UDP"]);
        assert_eq!(ts[0].body, grid(&[&["53", "yes", "yes"]]));
    }

    #[test]
    fn grid_table_without_header_separator() {
        let d = decode("+------+-----+\n| Port | Use |\n+------+-----+\n| 80   | web |\n| 8080 | alt |\n+------+-----+\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["Port", "Use"]);
        // one cell over two lines: its lines joined
        assert_eq!(ts[0].body, grid(&[&["80 8080", "web alt"]]));
    }

    #[test]
    fn grid_table_malformed_falls_back() {
        for src in [
            // ragged right border
            "+------+-----+\n| Port | Use |\n+------+-----+\n| 80   | web\n+------+-----+\n",
            // a missing '+' on the right border
            "+------+-----+\n| Port | Use |\n+------+------\n| 80   | web |\n+------+-----+\n",
            // a line running past the right border
            "+------+-----+\n| Port | Use |\n+------+-----+\n| 80   | web | x |\n+------+-----+\n",
            // no bottom border
            "+------+-----+\n| Port | Use |\n",
            // a lone corner
            "+\n|\n+\n",
        ] {
            let d = decode(src);
            assert_eq!(d.tables().count(), 0, "{src}");
            // the lines stay as text
            assert!(
                matches!(
                    d.blocks.first(),
                    Some(Block::Paragraph { .. } | Block::ListItem { .. })
                ),
                "{src}"
            );
        }
    }

    #[test]
    fn damaged_grids_never_panic() {
        let src: Vec<char> = SPEC_GRID.chars().collect();
        for k in 0..src.len() {
            for with in [None, Some(' '), Some('+'), Some('|'), Some('-'), Some('=')] {
                let mut m = src.clone();
                match with {
                    Some(c) => m[k] = c,
                    None => {
                        m.remove(k);
                    }
                }
                let m: String = m.into_iter().collect();
                let d = decode(&m);
                for t in d.tables() {
                    if let TableBody::Grid(rows) = &t.body {
                        assert!(rows.iter().all(|r| r.len() == t.header.len()), "{m}");
                    }
                }
            }
        }
    }

    #[test]
    fn grid_table_wide_characters() {
        let d = decode("+--------+------+\n| ポート | 用途 |\n+========+======+\n| 80     | ウェブ |\n+--------+------+\n");
        // "ウェブ" is three wide characters: six columns, too wide for its cell → not a grid
        assert_eq!(d.tables().count(), 0);
        let d = decode("+--------+--------+\n| ポート | 用途   |\n+========+========+\n| 80     | ウェブ |\n+--------+--------+\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["ポート", "用途"]);
        assert_eq!(ts[0].body, grid(&[&["80", "ウェブ"]]));
    }

    #[test]
    fn simple_table() {
        let d = decode("=====  =====  ======\nPort   Proto  Notes\n=====  =====  ======\n22     TCP    SSH\n443    TCP    Web UI,\n              continued\n8443   TCP    Text past the last border\n=====  =====  ======\n\nAfter.\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].header, vec!["Port", "Proto", "Notes"]);
        assert_eq!(
            ts[0].body,
            grid(&[
                &["22", "TCP", "SSH"],
                &["443", "TCP", "Web UI, continued"],
                &["8443", "TCP", "Text past the last border"],
            ])
        );
        assert_eq!(d.blocks.len(), 2);
        // an escaped empty first cell starts a row; a block-quoted table is read the same
        let d = decode("Text.\n\n    ====  =====  =====\n    Port  Proto  Notes\n    ====  =====  =====\n    22    TCP    SSH\n    \\     UDP    none\n    ====  =====  =====\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(
            ts[0].body,
            grid(&[&["22", "TCP", "SSH"], &["", "UDP", "none"]])
        );
    }

    #[test]
    fn simple_table_without_header() {
        let d = decode("====  ===\nPort  Use\n80    web\n====  ===\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["Port", "Use"]);
        assert_eq!(ts[0].body, grid(&[&["80", "web"]]));
    }

    #[test]
    fn simple_table_multi_line_header() {
        let d = decode("=====  =====  =====\n    Port      Notes\n------------  -----\nLocal  Peer\n=====  =====  =====\n5060   5060   SIP\n=====  =====  =====\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["Port Local", "Peer", "Notes"]);
        assert_eq!(ts[0].body, grid(&[&["5060", "5060", "SIP"]]));
        // a header line whose first column is blank continues the header row
        let d = decode(
            "=====  =====\nPort   Trans-\n       port\n=====  =====\n22     TCP\n=====  =====\n",
        );
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts[0].header, vec!["Port", "Trans- port"]);
    }

    #[test]
    fn tables_in_directives() {
        let d = decode(".. table:: Ports\n   :widths: auto\n\n   =====  =====\n   Port   Proto\n   =====  =====\n   22     TCP\n   =====  =====\n\n.. note::\n\n   Open these:\n\n   +------+-------+\n   | Port | Proto |\n   +======+=======+\n   | 53   | UDP   |\n   +------+-------+\n");
        let ts: Vec<_> = d.tables().collect();
        assert_eq!(ts.len(), 2);
        assert_eq!(ts[0].caption.as_deref(), Some("Ports"));
        assert_eq!(ts[0].header, vec!["Port", "Proto"]);
        assert_eq!(ts[0].body, grid(&[&["22", "TCP"]]));
        assert_eq!(ts[1].caption, None);
        assert_eq!(ts[1].body, grid(&[&["53", "UDP"]]));
        assert!(d
            .blocks
            .iter()
            .any(|bl| matches!(bl, Block::Note { text, .. } if text == "Open these:")));
    }

    #[test]
    fn large_inputs_finish() {
        // a huge grid of corners, a huge malformed grid, a huge open simple table
        let n = 100_000;
        let corners = "+--+\n".repeat(n);
        let t = std::time::Instant::now();
        let _ = decode(&corners);
        let broken = format!("+--+--+\n{}", "|  +  |\n".repeat(n));
        let d = decode(&broken);
        assert_eq!(d.tables().count(), 0);
        let open = format!("==  ==\n{}", "a   b\n".repeat(n));
        let d = decode(&open);
        assert_eq!(d.tables().count(), 0);
        let many = "==  ==\na   b\n==  ==\n\n".repeat(n / 4);
        assert_eq!(decode(&many).tables().count(), n / 4);
        assert!(t.elapsed().as_secs() < 20);
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
