//! A bound on how deeply an HTML page nests its elements, applied to the markup before the
//! HTML parser sees it. html5ever checks the stack of open elements on every tag, so a page of
//! 100,000 nested `<div>`s costs minutes; no real page nests more than a few dozen deep.
//!
//! One linear scan over the tags keeps a model of the open elements. Past
//! [`MAX_DEPTH`], a start tag of an element that carries no structure portolan reads (`div`,
//! `span`, `b`, ...) is left out with its end tag, its text kept; past
//! [`MAX_STRUCTURE_DEPTH`] tables, lists, rows and cells are left out the same way. The page is
//! rewritten only when something was left out.

use std::borrow::Cow;
use std::collections::HashMap;

/// The deepest an element that carries no structure is kept (open elements of any kind).
pub const MAX_DEPTH: usize = 256;
/// The deepest a table, list, row, cell, heading or paragraph is kept (counting only those).
pub const MAX_STRUCTURE_DEPTH: usize = 64;

/// Elements without an end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "frame"
            | "basefont"
            | "bgsound"
    )
}

/// Elements whose content is raw text up to their end tag.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
    )
}

/// Elements that carry the structure portolan reads.
fn is_structure(name: &str) -> bool {
    matches!(
        name,
        "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "p"
            | "pre"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

/// Elements whose start tag closes an open element of a kind listed here, when that element is
/// the innermost one (an optional end tag: `<li>` after `<li>`, `<td>` after `<th>`).
fn closes(name: &str, open: &str) -> bool {
    match name {
        "li" => open == "li",
        "dt" | "dd" => matches!(open, "dt" | "dd"),
        "td" | "th" => matches!(open, "td" | "th"),
        "tr" => matches!(open, "tr" | "td" | "th"),
        "thead" | "tbody" | "tfoot" => {
            matches!(open, "thead" | "tbody" | "tfoot" | "tr" | "td" | "th")
        }
        "p" => open == "p",
        "option" => open == "option",
        _ => false,
    }
}

/// The end of the tag that starts at `lt` (the index just past its `>`), skipping quoted
/// attribute values.
fn tag_end(b: &[u8], lt: usize) -> usize {
    let mut i = lt + 1;
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == quote {
                quote = 0;
            }
        } else if c == b'"' || c == b'\'' {
            quote = c;
        } else if c == b'>' {
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// The markup with elements nested past the limits left out, and how many start tags were, or
/// `None` when nothing had to be (the common case: no copy is made).
pub fn bound_nesting(html: &str) -> Option<(String, usize)> {
    let b = html.as_bytes();
    let mut open: Vec<(Cow<str>, bool)> = Vec::new(); // (name, structure)
    let mut counts: HashMap<Cow<str>, usize> = HashMap::new();
    let mut dropped_open: HashMap<Cow<str>, usize> = HashMap::new();
    let mut structure_depth = 0usize;
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut dropped = 0usize;
    let mut i = 0usize;
    while let Some(off) = memchr(b, i) {
        let lt = off;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|c| *c == b'!' || *c == b'?') {
            i = tag_end(b, lt);
            continue;
        }
        let end_tag = rest.first() == Some(&b'/');
        let name_start = lt + 1 + end_tag as usize;
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name_raw = &html[name_start..name_start + name_len];
        let end = tag_end(b, lt);
        // element names are ASCII; lowercased without a copy in the common case
        let name: Cow<str> = if name_raw.bytes().any(|c| c.is_ascii_uppercase()) {
            Cow::Owned(name_raw.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name_raw)
        };
        if end_tag {
            if let Some(n) = dropped_open.get_mut(name.as_ref()).filter(|n| **n > 0) {
                *n -= 1;
                cuts.push((lt, end));
            } else if counts.get(name.as_ref()).is_some_and(|n| *n > 0) {
                while let Some((top, st)) = open.pop() {
                    if let Some(n) = counts.get_mut(top.as_ref()) {
                        *n -= 1;
                    }
                    structure_depth -= st as usize;
                    if top == name {
                        break;
                    }
                }
            }
            i = end;
            continue;
        }
        let self_closing = end >= 2 && b[end - 2] == b'/';
        let name_ref: &str = name.as_ref();
        if is_raw_text(name_ref) {
            // its content is not markup: skip to its end tag
            let mut close = Vec::with_capacity(name.len() + 2);
            close.extend_from_slice(b"</");
            close.extend_from_slice(name_ref.as_bytes());
            i = find(b, end, &close).unwrap_or(b.len());
            continue;
        }
        if is_void(name_ref) || self_closing {
            i = end;
            continue;
        }
        while open.last().is_some_and(|(top, _)| closes(name_ref, top)) {
            if let Some((top, st)) = open.pop() {
                if let Some(n) = counts.get_mut(top.as_ref()) {
                    *n -= 1;
                }
                structure_depth -= st as usize;
            }
        }
        let st = is_structure(name_ref);
        let too_deep = if st {
            structure_depth >= MAX_STRUCTURE_DEPTH
        } else {
            open.len() >= MAX_DEPTH
        };
        if too_deep {
            *dropped_open.entry(name).or_default() += 1;
            cuts.push((lt, end));
            dropped += 1;
        } else {
            *counts.entry(name.clone()).or_default() += 1;
            open.push((name, st));
            structure_depth += st as usize;
        }
        i = end;
    }
    if cuts.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0usize;
    for (s, e) in cuts {
        out.push_str(&html[at..s]);
        // a space where a block was, so that words do not run together
        out.push(' ');
        at = e;
    }
    out.push_str(&html[at..]);
    Some((out, dropped))
}

/// The next `<` at or after `from`.
fn memchr(b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|c| *c == b'<')
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_left_alone() {
        let page = "<html><body><div><table><tr><td>22<td>ssh</table><ul><li>a<li>b</ul></div>\
                    <script>if (a < b) { x = '<div>'; }</script><p>x<p>y</body></html>";
        assert_eq!(bound_nesting(page), None);
        let many_rows = format!("<table>{}</table>", "<tr><td>1<td>2".repeat(10_000));
        assert_eq!(bound_nesting(&many_rows), None);
    }

    #[test]
    fn deep_containers_are_flattened_and_their_text_kept() {
        let page = format!(
            "{}<table><tr><th>Port</th></tr><tr><td>22</td></tr></table>{}",
            "<div><span>".repeat(10_000),
            "</span></div>".repeat(10_000)
        );
        let (out, dropped) = bound_nesting(&page).expect("bounded");
        assert_eq!(dropped, 20_000 - MAX_DEPTH);
        assert!(out.contains("<table><tr><th>Port</th></tr><tr><td>22</td></tr></table>"));
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH / 2);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH / 2);
    }

    #[test]
    fn deep_tables_are_cut_at_the_structure_limit() {
        let page = "<table><tr><td>".repeat(1_000) + "443";
        let (out, _) = bound_nesting(&page).expect("bounded");
        assert!(out.matches("<table>").count() <= MAX_STRUCTURE_DEPTH);
        assert!(out.ends_with("443"));
    }
}
