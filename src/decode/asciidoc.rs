//! AsciiDoc (`.adoc`): sections, `|===` tables, lists, admonitions, literal blocks.

use crate::decode::{resolve_grid, BlockBuilder, SpanCell};
use crate::document::{Block, Document, TableBody};
use crate::normalize::squash;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// How deep `a|` cells (AsciiDoc inside a cell) and `pass:n[...]` are decoded.
const MAX_DEPTH: usize = 3;
const MAX_CELLS: usize = 2_000_000;
/// A rowspan longer than this is cut (bounds the row loop).
const MAX_SPAN: usize = 10_000;

static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(={1,6}|#{1,6})\s+(.+?)\s*$").unwrap());
static ATTR_ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^:(!?[\w][\w-]*!?):(?:\s+(.*))?$").unwrap());
static LIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\*+|-|\.+|\d+\.|[a-zA-Z]\.)\s+(\S.*)$").unwrap());
static DLIST: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(\S.*?)(:{2,4}|;;)(?:\s+(.*))?$").unwrap());
static ADMON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s+(.*)$").unwrap());
static CELL_SPEC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(\d+)\*)?(?:(\d+)?(?:\.(\d+))?\+)?([<^>])?(?:\.([<^>]))?([adehlmsv])?$")
        .unwrap()
});
static MACRO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(footnoteref|footnote|pass|link|xref|image|icon|kbd|btn|menu|anchor|indexterm2|indexterm|mailto|https?|ftp):([^\s\[]*)\[").unwrap()
});
static XREF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<<([^,>]+)(?:,\s*([^>]*))?>>").unwrap());
static ATTR_REF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{([\w][\w-]*)\}").unwrap());
static MONO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`\+?([^`]*?)\+?`").unwrap());
static PLUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w+])\+([^+\s][^+]*?)\+($|[^\w+])").unwrap());
static STRONG2: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*(.+?)\*\*").unwrap());
static EMPH2: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"__(.+?)__").unwrap());
static STRONG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w*\\])\*([^*\s]|[^*\s][^*]*?[^*\s])\*($|[^\w*])").unwrap());
static EMPH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[^\w\\])_([^_\s]|[^_\s].*?[^_\s])_($|[^\w])").unwrap());
static ROLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[[.#][\w.#-]*\]([_*`#])").unwrap());
static ANCHOR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\[[^\]]*\]\]").unwrap());

type Attrs = HashMap<String, String>;

/// Decodes an AsciiDoc document.
pub fn decode(text: &str) -> Document {
    let mut attrs = Attrs::new();
    let mut doc = Document::default();
    let mut b = BlockBuilder::default();
    parse(text, &mut attrs, &mut b, 0, &mut doc);
    doc.blocks = b.blocks;
    doc
}

fn builtin(name: &str) -> Option<&'static str> {
    Some(match name {
        "empty" | "zwsp" => "",
        "sp" | "nbsp" | "space" => " ",
        "plus" => "+",
        "vbar" => "|",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "startsb" => "[",
        "endsb" => "]",
        "caret" => "^",
        "asterisk" => "*",
        "tilde" => "~",
        "apos" => "'",
        "quot" => "\"",
        "backslash" => "\\",
        "backtick" => "`",
        "two-colons" => "::",
        "two-semicolons" => ";;",
        _ => return None,
    })
}

fn subst_attrs(s: &str, attrs: &Attrs) -> String {
    let mut out = s.to_string();
    for _ in 0..4 {
        if !out.contains('{') {
            break;
        }
        let next = ATTR_REF
            .replace_all(&out, |c: &regex::Captures| {
                let n = &c[1];
                attrs
                    .get(n)
                    .cloned()
                    .or_else(|| builtin(n).map(str::to_string))
                    .unwrap_or_else(|| c[0].to_string())
            })
            .into_owned();
        if next == out {
            break;
        }
        out = next;
    }
    out
}

/// Byte index of the `]` closing the bracket opened at `open` (honouring `\]` and nesting).
/// Where the escapes leave the brackets unbalanced (`pass:n[footnote:x[pass:n[text\]]]`, as
/// real documents write), an escaped `]` closes too.
fn bracket_end(s: &str, open: usize) -> Option<usize> {
    bracket_close(s, open, true).or_else(|| bracket_close(s, open, false))
}

fn bracket_close(s: &str, open: usize, honour_escapes: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut esc = false;
    for (i, c) in s.get(open..)?.char_indices() {
        if esc {
            esc = false;
            if c != ']' || honour_escapes {
                continue;
            }
        }
        match c {
            '\\' => esc = true,
            '[' => depth += 1,
            ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn macros(s: &str, depth: usize, keep: &mut Vec<String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(c) = MACRO.captures(rest) {
        let m = c.get(0).map_or(0..0, |m| m.range());
        let name = c.get(1).map_or("", |x| x.as_str());
        let target = c.get(2).map_or("", |x| x.as_str());
        let open = m.end - 1;
        let Some(close) = bracket_end(rest, open) else {
            out.push_str(rest.get(..m.end).unwrap_or(""));
            rest = rest.get(m.end..).unwrap_or("");
            continue;
        };
        out.push_str(rest.get(..m.start).unwrap_or(""));
        let content = rest.get(open + 1..close).unwrap_or("").replace("\\]", "]");
        let text = content
            .split(",window=")
            .next()
            .unwrap_or("")
            .trim_end_matches('^');
        let rendered = match name {
            "footnote" | "footnoteref" | "anchor" | "indexterm" | "icon" => String::new(),
            "pass" => {
                if target.is_empty() || depth >= MAX_DEPTH {
                    content.clone()
                } else {
                    inline_depth(&content, &Attrs::new(), depth + 1)
                }
            }
            "image" => text.split(',').next().unwrap_or("").to_string(),
            "menu" => {
                let mut t = target.to_string();
                if !content.is_empty() {
                    t.push_str(" > ");
                    t.push_str(&content.replace('>', " > "));
                }
                t
            }
            "kbd" | "btn" | "indexterm2" => content.clone(),
            "xref" if text.is_empty() => {
                let t = target.rsplit('#').next().unwrap_or(target);
                t.trim_end_matches(".adoc").to_string()
            }
            _ if text.is_empty() => {
                if name.starts_with("http") || name == "ftp" {
                    format!("{name}:{target}")
                } else {
                    target.to_string()
                }
            }
            _ => text.to_string(),
        };
        keep.push(rendered);
        out.push_str(&format!("\u{F8F0}{}\u{F8F1}", keep.len() - 1));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn protect(s: &str, re: &Regex, group: usize, keep: &mut Vec<String>, wrap: bool) -> String {
    re.replace_all(s, |c: &regex::Captures| {
        keep.push(c.get(group).map_or("", |x| x.as_str()).to_string());
        let ph = format!("\u{F8F0}{}\u{F8F1}", keep.len() - 1);
        if wrap {
            format!("{}{}{}", &c[1], ph, &c[3])
        } else {
            ph
        }
    })
    .into_owned()
}

fn strip_loop(s: String, re: &Regex, rep: &str) -> String {
    let mut s = s;
    for _ in 0..8 {
        let n = re.replace_all(&s, rep).into_owned();
        if n == s {
            break;
        }
        s = n;
    }
    s
}

/// AsciiDoc inline markup to plain text.
fn inline(s: &str, attrs: &Attrs) -> String {
    inline_depth(s, attrs, 0)
}

fn inline_depth(s: &str, attrs: &Attrs, depth: usize) -> String {
    let s: String = s
        .chars()
        .filter(|c| !('\u{F8F0}'..='\u{F8F1}').contains(c))
        .collect();
    let s = subst_attrs(&s, attrs);
    let mut keep: Vec<String> = Vec::new();
    let s = protect(&s, &MONO, 1, &mut keep, false);
    let s = protect(&s, &PLUS, 2, &mut keep, true);
    let s = macros(&s, depth, &mut keep);
    let s = XREF
        .replace_all(&s, |c: &regex::Captures| {
            c.get(2)
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| c[1].replace(['-', '_'], " "))
        })
        .into_owned();
    let s = ANCHOR.replace_all(&s, "").into_owned();
    let s = ROLE.replace_all(&s, "$1").into_owned();
    let s = s.replace("``", "\"").replace("''", "\"");
    let s = strip_loop(s, &STRONG2, "$1");
    let s = strip_loop(s, &EMPH2, "$1");
    let s = strip_loop(s, &STRONG, "$1$2$3");
    let s = strip_loop(s, &EMPH, "$1$2$3");
    let s = s.replace("\\*", "*").replace("\\_", "_");
    let s = s
        .trim_end()
        .strip_suffix(" +")
        .unwrap_or(s.trim_end())
        .to_string();
    // restore protected text
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find('\u{F8F0}') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + '\u{F8F0}'.len_utf8()..).unwrap_or("");
        let Some(j) = after.find('\u{F8F1}') else {
            rest = after;
            continue;
        };
        let n: usize = after
            .get(..j)
            .and_then(|x| x.parse().ok())
            .unwrap_or(usize::MAX);
        out.push_str(keep.get(n).map_or("", |x| x.as_str()));
        rest = after.get(j + '\u{F8F1}'.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    let out = squash(&out.replace(" +\n", " "));
    out.replace(" ,", ",")
        .replace(" .", ".")
        .replace("( ", "(")
        .replace(" )", ")")
}

/// Block attribute line `[...]`: (style, named attributes, options).
fn block_attrs(line: &str) -> Option<(String, HashMap<String, String>)> {
    let t = line.trim();
    let inner = t.strip_prefix('[')?.strip_suffix(']')?;
    if inner.starts_with('[') || t.contains("::") {
        return None;
    }
    let mut named = HashMap::new();
    let mut style = String::new();
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    for ch in inner.chars() {
        match ch {
            '"' => q = !q,
            ',' if !q => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    parts.push(cur);
    for (i, p) in parts.iter().enumerate() {
        let p = p.trim();
        if let Some((k, v)) = p.split_once('=') {
            named.insert(k.trim().to_string(), v.trim().to_string());
        } else if i == 0 {
            let mut it = p.split('%');
            style = it
                .next()
                .unwrap_or("")
                .split(['#', '.'])
                .next()
                .unwrap_or("")
                .to_string();
            let opts: Vec<&str> = it.collect();
            if !opts.is_empty() {
                named.insert("%".into(), opts.join(","));
            }
        } else {
            named.insert(i.to_string(), p.to_string());
        }
    }
    Some((style, named))
}

fn is_delim(t: &str) -> bool {
    let t = t.trim_end();
    let Some(first) = t.chars().next() else {
        return false;
    };
    (t.len() >= 4 && "-.=*_+/".contains(first) && t.chars().all(|c| c == first)) || t == "--"
}

fn is_table_delim(t: &str) -> Option<char> {
    let t = t.trim_end();
    let mut ch = t.chars();
    let sep = ch.next()?;
    if "|!,:".contains(sep) && t.len() >= 4 && ch.all(|c| c == '=') {
        Some(sep)
    } else {
        None
    }
}

struct Pending {
    title: Option<String>,
    style: String,
    named: HashMap<String, String>,
}

fn list_depth(stack: &mut Vec<String>, marker: &str) -> u8 {
    if let Some(p) = stack.iter().position(|m| m == marker) {
        stack.truncate(p + 1);
        p as u8
    } else {
        stack.push(marker.to_string());
        (stack.len() - 1).min(255) as u8
    }
}

#[allow(unused_assignments, clippy::only_used_in_recursion)]
fn parse(text: &str, attrs: &mut Attrs, b: &mut BlockBuilder, depth: usize, doc: &mut Document) {
    // preprocessor: conditionals, includes
    let mut lines: Vec<&str> = Vec::new();
    let mut skip: Vec<bool> = Vec::new();
    for l in text.lines() {
        let t = l.trim_end();
        if let Some(rest) = t
            .strip_prefix("ifdef::")
            .or_else(|| t.strip_prefix("ifndef::"))
        {
            let neg = t.starts_with("ifndef");
            if let Some((names, content)) = rest.split_once('[') {
                let defined = names.split([',', '+']).any(|n| attrs.contains_key(n));
                let on = defined != neg;
                if content.len() > 1 {
                    if on && !skip.iter().any(|s| *s) {
                        lines.push(l);
                    }
                } else if skip.len() < 64 {
                    skip.push(!on);
                }
                continue;
            }
        }
        if t.starts_with("ifeval::[") {
            if skip.len() < 64 {
                skip.push(false);
            }
            continue;
        }
        if t.starts_with("endif::") {
            skip.pop();
            continue;
        }
        if skip.iter().any(|s| *s) || t.starts_with("include::") {
            continue;
        }
        // attribute entries are read in order so later conditionals see them
        if let Some(c) = ATTR_ENTRY.captures(t) {
            let name = c[1].trim_matches('!').to_string();
            if c[1].contains('!') {
                attrs.remove(&name);
            } else {
                attrs.insert(name, c.get(2).map_or("", |m| m.as_str()).to_string());
            }
            continue;
        }
        lines.push(l);
    }
    let mut i = 0usize;
    let mut para: Vec<String> = Vec::new();
    let mut pending = Pending {
        title: None,
        style: String::new(),
        named: HashMap::new(),
    };
    let mut stack: Vec<String> = Vec::new();
    let mut dstack: Vec<String> = Vec::new();
    let mut item: Option<(String, u8)> = None;

    macro_rules! flush {
        () => {
            if let Some((t, d)) = item.take() {
                b.blocks.push(Block::ListItem {
                    text: inline(&t, attrs),
                    depth: d,
                    page: None,
                });
            }
            if !para.is_empty() {
                let joined = para.join(" ");
                para.clear();
                if let Some(c) = ADMON.captures(&joined) {
                    b.blocks.push(Block::Note {
                        text: inline(&c[2], attrs),
                        page: None,
                    });
                } else if matches!(
                    pending.style.as_str(),
                    "NOTE" | "TIP" | "IMPORTANT" | "WARNING" | "CAUTION"
                ) {
                    b.blocks.push(Block::Note {
                        text: inline(&joined, attrs),
                        page: None,
                    });
                } else {
                    let t = inline(&joined, attrs);
                    if !t.is_empty() {
                        b.blocks.push(Block::Paragraph {
                            text: t,
                            page: None,
                        });
                    }
                }
                pending = Pending {
                    title: None,
                    style: String::new(),
                    named: HashMap::new(),
                };
            }
        };
    }

    while i < lines.len() {
        crate::budget::check();
        let line = lines[i];
        let t = line.trim_end();
        if t.trim().is_empty() {
            flush!();
            i += 1;
            continue;
        }
        if t.starts_with("////") && t.chars().all(|c| c == '/') {
            flush!();
            i += 1;
            while i < lines.len() && lines[i].trim_end() != t {
                i += 1;
            }
            i += 1;
            continue;
        }
        if t.starts_with("//") && !t.starts_with("///") {
            i += 1;
            continue;
        }
        // list continuation
        if t == "+" && item.is_some() {
            i += 1;
            continue;
        }
        if let Some(sep) = is_table_delim(t) {
            flush!();
            let start = i;
            i += 1;
            let mut body: Vec<&str> = Vec::new();
            while i < lines.len() && lines[i].trim_end() != t {
                body.push(lines[i]);
                i += 1;
            }
            i += 1;
            table(&body, sep, &pending, attrs, b, depth, start + 1);
            pending = Pending {
                title: None,
                style: String::new(),
                named: HashMap::new(),
            };
            {
                stack.clear();
                dstack.clear();
            }
            continue;
        }
        if is_delim(t) {
            flush!();
            let first = t.chars().next().unwrap_or('-');
            i += 1;
            let mut body: Vec<&str> = Vec::new();
            while i < lines.len() && lines[i].trim_end() != t {
                body.push(lines[i]);
                i += 1;
            }
            i += 1;
            let style = pending.style.clone();
            let admon = matches!(
                style.as_str(),
                "NOTE" | "TIP" | "IMPORTANT" | "WARNING" | "CAUTION"
            );
            if let Some(title) = pending.title.take() {
                b.blocks.push(Block::Caption {
                    text: inline(&title, attrs),
                    page: None,
                });
            }
            if first == '-' && t != "--"
                || first == '.'
                || style == "source"
                || style == "listing"
                || style == "literal"
            {
                let lang = if style == "source" {
                    pending.named.get("language").cloned().unwrap_or_default()
                } else {
                    String::new()
                };
                let lang = if lang.is_empty() {
                    pending.named.get("1").cloned().unwrap_or(lang)
                } else {
                    lang
                };
                b.blocks.push(Block::Code {
                    text: body.join("\n"),
                    lang,
                    page: None,
                });
            } else if first == '+' || first == '/' {
                // passthrough or comment: dropped
            } else if admon || depth + 1 >= MAX_DEPTH {
                let t = flatten(&body.join("\n"), attrs, depth + 1, false);
                if !t.is_empty() {
                    b.blocks.push(Block::Note {
                        text: t,
                        page: None,
                    });
                }
            } else {
                parse(&body.join("\n"), attrs, b, depth + 1, doc);
            }
            pending = Pending {
                title: None,
                style: String::new(),
                named: HashMap::new(),
            };
            continue;
        }
        if para.is_empty() && item.is_none() {
            if t.starts_with("[[") && t.ends_with("]]") {
                i += 1;
                continue;
            }
            if let Some((style, named)) = block_attrs(t) {
                pending.style = style;
                pending.named = named;
                i += 1;
                continue;
            }
            if t.len() > 1 && t.starts_with('.') && !t.starts_with("..") && !t.starts_with(". ") {
                pending.title = t.get(1..).map(str::to_string);
                i += 1;
                continue;
            }
            if let Some(c) = SECTION.captures(t) {
                b.heading(inline(&c[2], attrs));
                pending = Pending {
                    title: None,
                    style: String::new(),
                    named: HashMap::new(),
                };
                {
                    stack.clear();
                    dstack.clear();
                }
                i += 1;
                continue;
            }
            // setext title: a line underlined by one character, lengths within two
            if let Some(next) = lines.get(i + 1).map(|l| l.trim_end()) {
                let n = t.chars().count();
                let u = next.chars().count();
                if let Some(c) = next.chars().next() {
                    if "=-~^+".contains(c)
                        && u >= 2
                        && next.chars().all(|x| x == c)
                        && n.abs_diff(u) <= 2
                        && !t.starts_with(char::is_whitespace)
                        && t.chars().any(char::is_alphanumeric)
                    {
                        b.heading(inline(t, attrs));
                        {
                            stack.clear();
                            dstack.clear();
                        }
                        i += 2;
                        continue;
                    }
                }
            }
            if line.starts_with([' ', '\t']) && pending.style != "normal" {
                let mut body = Vec::new();
                while i < lines.len() && !lines[i].trim().is_empty() {
                    body.push(lines[i]);
                    i += 1;
                }
                let ind = body
                    .iter()
                    .map(|l| l.len() - l.trim_start().len())
                    .min()
                    .unwrap_or(0);
                let text: Vec<&str> = body.iter().map(|l| l.get(ind..).unwrap_or(l)).collect();
                b.blocks.push(Block::Code {
                    text: text.join("\n"),
                    lang: String::new(),
                    page: None,
                });
                continue;
            }
        }
        {
            if let Some(c) = LIST.captures(t) {
                flush!();
                let marker = c[1].to_string();
                let marker =
                    if marker.ends_with('.') && marker.len() > 1 && !marker.starts_with('.') {
                        ".".into()
                    } else {
                        marker
                    };
                let d = list_depth(&mut stack, &marker);
                item = Some((c[2].to_string(), d));
                i += 1;
                continue;
            }
            if !t.starts_with([' ', '\t']) || item.is_none() {
                if let Some(c) = DLIST.captures(t) {
                    if para.is_empty() || item.is_some() {
                        flush!();
                        let d = list_depth(&mut dstack, &c[2]);
                        let term = c[1].to_string();
                        let mut def = c.get(3).map_or(String::new(), |m| m.as_str().to_string());
                        i += 1;
                        if def.is_empty() {
                            // definition on the following lines, after blank lines
                            let mut k = i;
                            while k < lines.len() && lines[k].trim().is_empty() {
                                k += 1;
                            }
                            let nx = lines.get(k).map_or("", |l| l.trim_end());
                            if !nx.is_empty()
                                && !LIST.is_match(nx)
                                && !DLIST.is_match(nx)
                                && !is_delim(nx)
                                && is_table_delim(nx).is_none()
                                && !nx.starts_with("include::")
                                && block_attrs(nx).is_none()
                            {
                                let mut parts = Vec::new();
                                while k < lines.len() && !lines[k].trim().is_empty() {
                                    let l = lines[k].trim();
                                    if LIST.is_match(l) || DLIST.is_match(l) {
                                        break;
                                    }
                                    parts.push(l);
                                    k += 1;
                                }
                                def = parts.join(" ");
                                i = k;
                            }
                        }
                        let text = if def.is_empty() {
                            term
                        } else {
                            format!("{term}: {def}")
                        };
                        item = Some((text, d));
                        continue;
                    }
                }
            }
        }
        if let Some((it, _)) = item.as_mut() {
            if block_attrs(t).is_some() {
                flush!();
                continue;
            }
            it.push(' ');
            it.push_str(t.trim());
            i += 1;
            continue;
        }
        if para.is_empty() {
            {
                stack.clear();
                dstack.clear();
            }
        }
        para.push(t.trim().to_string());
        i += 1;
    }
    flush!();
}

/// The text of a piece of AsciiDoc as one line (list items joined by "; "), or, for an `a|`
/// cell (`lines`), one line per block: a cell that lists its items keeps them apart.
fn flatten(text: &str, attrs: &Attrs, depth: usize, lines: bool) -> String {
    if depth >= MAX_DEPTH {
        return inline(&text.replace('\n', " "), attrs);
    }
    let mut a = attrs.clone();
    let mut b = BlockBuilder::default();
    let mut d = Document::default();
    parse(text, &mut a, &mut b, depth, &mut d);
    let mut out = String::new();
    for blk in &b.blocks {
        let (t, list) = match blk {
            Block::ListItem { text, .. } => (text.clone(), true),
            Block::Heading { text, .. }
            | Block::Caption { text, .. }
            | Block::Paragraph { text, .. }
            | Block::Note { text, .. } => (text.clone(), false),
            Block::Code { text, .. } => (squash(text), false),
            Block::Table(t) => {
                let mut s = t.header.join(" ");
                if let TableBody::Grid(rows) = &t.body {
                    for r in rows {
                        s.push(' ');
                        s.push_str(&r.join(" "));
                    }
                }
                (squash(&s), false)
            }
        };
        if t.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(match (lines, list) {
                (true, _) => "\n",
                (false, true) => "; ",
                (false, false) => " ",
            });
        }
        out.push_str(&t);
    }
    out
}

struct RawCell {
    text: String,
    colspan: usize,
    rowspan: usize,
    dup: usize,
    style: char,
}

fn parse_spec(s: &str) -> Option<RawCell> {
    let c = CELL_SPEC.captures(s)?;
    let n = |k: usize, d: usize| {
        c.get(k)
            .and_then(|m| m.as_str().parse::<usize>().ok())
            .unwrap_or(d)
    };
    Some(RawCell {
        text: String::new(),
        dup: n(1, 1).clamp(1, 1000),
        colspan: n(2, 1).clamp(1, 1000),
        rowspan: n(3, 1).clamp(1, MAX_SPAN),
        style: c
            .get(6)
            .and_then(|m| m.as_str().chars().next())
            .unwrap_or('d'),
    })
}

fn cols_count(spec: &str) -> usize {
    let s = spec.trim_matches('"');
    if let Ok(n) = s.parse::<usize>() {
        return n.min(1000);
    }
    s.split([',', ';'])
        .map(|p| {
            p.split_once('*')
                .and_then(|(n, _)| n.trim().parse::<usize>().ok())
                .unwrap_or(1)
        })
        .sum::<usize>()
        .min(1000)
}

#[allow(clippy::too_many_arguments)]
fn table(
    body: &[&str],
    sep: char,
    p: &Pending,
    attrs: &Attrs,
    b: &mut BlockBuilder,
    depth: usize,
    line: usize,
) {
    let sep = p
        .named
        .get("separator")
        .and_then(|s| s.trim_matches('"').chars().next())
        .unwrap_or(sep);
    let mut cells: Vec<RawCell> = Vec::new();
    let mut first_line_cells = 0usize;
    let mut first_line: Option<usize> = None;
    let mut implicit_header = false;
    for (li, l) in body.iter().enumerate() {
        if l.trim().is_empty() {
            if let Some(c) = cells.last_mut() {
                c.text.push('\n');
            }
            continue;
        }
        let mut buf = String::new();
        let mut esc = false;
        let mut count = 0usize;
        let close = |buf: &mut String, cells: &mut Vec<RawCell>, is_sep: bool| {
            if !is_sep {
                if let Some(c) = cells.last_mut() {
                    c.text.push_str(buf);
                    c.text.push('\n');
                }
                buf.clear();
                return;
            }
            // the spec is the last word before the separator
            let (before, spec) = match buf.rfind(char::is_whitespace) {
                Some(k) => (
                    buf.get(..k).unwrap_or(""),
                    buf.get(k..).unwrap_or("").trim(),
                ),
                None => ("", buf.as_str()),
            };
            let (before, raw) = match parse_spec(spec) {
                Some(r) if !spec.is_empty() => (before.to_string(), r),
                _ => (
                    buf.clone(),
                    RawCell {
                        text: String::new(),
                        colspan: 1,
                        rowspan: 1,
                        dup: 1,
                        style: 'd',
                    },
                ),
            };
            if let Some(c) = cells.last_mut() {
                c.text.push_str(&before);
            }
            cells.push(raw);
            buf.clear();
        };
        for ch in l.chars() {
            if esc {
                buf.push(ch);
                esc = false;
            } else if ch == '\\' {
                esc = true;
            } else if ch == sep {
                close(&mut buf, &mut cells, true);
                count += 1;
            } else {
                buf.push(ch);
            }
        }
        close(&mut buf, &mut cells, false);
        if first_line.is_none() && count > 0 {
            first_line = Some(li);
            first_line_cells = cells.iter().map(|c| c.colspan * c.dup).sum();
            implicit_header = body.get(li + 1).is_some_and(|n| n.trim().is_empty());
        }
    }
    let opts = format!(
        "{},{}",
        p.named.get("options").map_or("", |s| s.as_str()),
        p.named.get("%").map_or("", |s| s.as_str())
    );
    let header = if opts.contains("noheader") {
        false
    } else {
        opts.contains("header") || implicit_header
    };
    let ncols = p
        .named
        .get("cols")
        .map(|c| cols_count(c))
        .filter(|n| *n > 0)
        .unwrap_or(first_line_cells)
        .max(1);
    // rows, tracking columns covered by rowspans from above
    let mut rows: Vec<Vec<SpanCell>> = Vec::new();
    let mut cur: Vec<SpanCell> = Vec::new();
    let mut occ = vec![0usize; ncols];
    let finish = |cur: &mut Vec<SpanCell>, rows: &mut Vec<Vec<SpanCell>>, occ: &mut Vec<usize>| {
        rows.push(std::mem::take(cur));
        for o in occ.iter_mut() {
            *o = o.saturating_sub(1);
        }
    };
    for c in cells {
        let text = match c.style {
            'a' => flatten(c.text.trim_start(), attrs, depth + 1, true),
            'l' | 'm' | 'v' => squash(&c.text),
            _ => inline(&c.text.replace('\n', " "), attrs),
        };
        for _ in 0..c.dup {
            let mut guard = 0;
            while !occ.contains(&0) && guard < MAX_SPAN {
                finish(&mut cur, &mut rows, &mut occ);
                guard += 1;
            }
            let Some(col) = occ.iter().position(|o| *o == 0) else {
                break;
            };
            let cs = c.colspan.min(ncols - col).max(1);
            for o in occ.iter_mut().skip(col).take(cs) {
                *o = c.rowspan;
            }
            cur.push(SpanCell {
                text: text.clone(),
                colspan: cs,
                rowspan: c.rowspan,
                th: false,
            });
            if occ.iter().all(|o| *o > 0) {
                finish(&mut cur, &mut rows, &mut occ);
            }
        }
    }
    if !cur.is_empty() {
        rows.push(cur);
    }
    let mut source: Vec<(Vec<SpanCell>, bool, u32)> = Vec::new();
    if !header {
        source.push((
            vec![SpanCell {
                text: String::new(),
                colspan: 1,
                rowspan: 1,
                th: true,
            }],
            true,
            0,
        ));
    }
    for (k, r) in rows.into_iter().enumerate() {
        source.push((r, header && k == 0, 0));
    }
    let g = resolve_grid(source, MAX_CELLS);
    let head = if g.header.iter().all(|h| h.is_empty()) {
        Vec::new()
    } else {
        g.header
    };
    let caption = p.title.as_ref().map(|t| inline(t, attrs));
    b.table(head, caption, TableBody::Grid(g.rows), line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(d: &Document, n: usize) -> (Vec<String>, Vec<Vec<String>>) {
        let t = d.tables().nth(n).expect("table");
        match &t.body {
            TableBody::Grid(r) => (t.header.clone(), r.clone()),
            _ => panic!("grid"),
        }
    }

    #[test]
    fn table_header_and_spans() {
        let d = decode(".Ports\n[cols=\"2,1\",options=\"header\"]\n|===\n| Port | Proto\n| 80 | TCP\n.2+| 443 | TCP\n| UDP\n2+| all\n|===\n");
        let (h, r) = grid(&d, 0);
        assert_eq!(h, vec!["Port", "Proto"]);
        assert_eq!(
            r,
            vec![
                vec!["80", "TCP"],
                vec!["443", "TCP"],
                vec!["443", "UDP"],
                vec!["all", ""]
            ]
        );
        assert_eq!(d.tables().next().unwrap().caption.as_deref(), Some("Ports"));
    }

    #[test]
    fn implicit_header_multiline_cells_and_footnote_attr() {
        let d = decode(":fn-x: footnote:x[Port 21250 is reserved.]\n\n|===\n| Name | Port\n\n| `epmd` footnote:a[No remap.]\n| 9140 {fn-x}, 11210\n|===\n");
        let (h, r) = grid(&d, 0);
        assert_eq!(h, vec!["Name", "Port"]);
        assert_eq!(r, vec![vec!["epmd", "9140, 11210"]]);
    }

    #[test]
    fn a_cell_list_flattened() {
        let d = decode("[cols=\"1,1\"]\n|===\n| x\na| * one\n** two\n|===\n");
        let (h, r) = grid(&d, 0);
        assert!(h.is_empty());
        assert_eq!(r, vec![vec!["x", "one\ntwo"]]);
    }

    #[test]
    fn lists_dlists_notes_code() {
        let d = decode("== Sec\n\n* a *b*\n** c\n+\nmore\n. n\n\nTerm:: def\nOther::\n\nlater def\n\nNOTE: note _it_\n\n[source,sh]\n----\nls 80\n----\n\n literal\n\npara one\npara two\n// comment\n");
        let b = &d.blocks;
        assert_eq!(
            b[0],
            Block::Heading {
                text: "Sec".into(),
                page: None
            }
        );
        assert_eq!(
            b[1],
            Block::ListItem {
                text: "a b".into(),
                depth: 0,
                page: None
            }
        );
        assert_eq!(
            b[2],
            Block::ListItem {
                text: "c more".into(),
                depth: 1,
                page: None
            }
        );
        assert_eq!(
            b[3],
            Block::ListItem {
                text: "n".into(),
                depth: 2,
                page: None
            }
        );
        assert_eq!(
            b[4],
            Block::ListItem {
                text: "Term: def".into(),
                depth: 0,
                page: None
            }
        );
        assert_eq!(
            b[5],
            Block::ListItem {
                text: "Other: later def".into(),
                depth: 0,
                page: None
            }
        );
        assert_eq!(
            b[6],
            Block::Note {
                text: "note it".into(),
                page: None
            }
        );
        assert_eq!(
            b[7],
            Block::Code {
                text: "ls 80".into(),
                lang: "sh".into(),
                page: None
            }
        );
        assert_eq!(
            b[8],
            Block::Code {
                text: "literal".into(),
                lang: String::new(),
                page: None
            }
        );
        assert_eq!(
            b[9],
            Block::Paragraph {
                text: "para one para two".into(),
                page: None
            }
        );
    }

    #[test]
    fn setext_and_conditionals_and_inline() {
        let d = decode("ifdef::x[]\nHidden\n------\nendif::x[]\nTitle\n=====\n\nSee link:http://a[the site], <<id,here>> and xref:a.adoc[B].\n\n[NOTE]\n====\nboxed\n====\n");
        assert_eq!(
            d.blocks[0],
            Block::Heading {
                text: "Title".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[1],
            Block::Paragraph {
                text: "See the site, here and B.".into(),
                page: None
            }
        );
        assert_eq!(
            d.blocks[2],
            Block::Note {
                text: "boxed".into(),
                page: None
            }
        );
    }

    #[test]
    fn no_panic_on_odd_input() {
        for s in [
            "|===",
            "[",
            "|===\n2+|é|\n|===",
            ":a: {a}\n{a}",
            "footnote:[",
            "é*é_é`",
            "a::\n",
            ".\n",
            "|===\n.99999+| x\n|===",
        ] {
            let _ = decode(s);
        }
    }
}
