//! Port mentions in running prose ("redirected to the secured port 8445", "XMPP—5222"), with low
//! confidence. Not ports: status codes, versions, placeholders such as `<port>`, page numbers,
//! and the boilerplate about ephemeral source ports. A mention of a port that a table of the same
//! document already lists adds nothing and is left out.

use crate::document::{Block, Document};
use crate::normalize::{is_cjk, key, squash, ungroup_digits};
use crate::record::PortRecord;
use crate::tuning::SUBJECT_HEADINGS;
use crate::understand::cells::{parse_port_cell, CellParse};
use crate::understand::commands::opened_by;
use crate::understand::flow::{flow_direction, subject_words};
use crate::vocab::{vocab, Direction};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

pub use crate::tuning::PROSE_CONFIDENCE;

/// An alternation of vocabulary words for a regex: spaced-script words between word
/// boundaries, CJK words as they are (they do not stand between spaces).
fn alternation(words: &crate::vocab::Phrases) -> String {
    let mut spaced: Vec<String> = Vec::new();
    let mut cjk: Vec<String> = Vec::new();
    for w in words.iter() {
        if w.chars().any(is_cjk) {
            cjk.push(regex::escape(w));
        } else {
            spaced.push(regex::escape(w).replace(' ', r"\s+"));
        }
    }
    let mut parts = Vec::new();
    if !spaced.is_empty() {
        parts.push(format!(r"\b(?:{})\b", spaced.join("|")));
    }
    if !cjk.is_empty() {
        parts.push(format!("(?:{})", cjk.join("|")));
    }
    format!("(?:{})", parts.join("|"))
}

/// A number that ends a port: no ASCII letter or digit right after it ("443端口" is fine).
const NUM: &str = r"([0-9]{1,5})(?-u:\b)";

// The prose patterns run on `key` text (lower case, accents off), so none is case-insensitive:
// `(?i)` over the port words of every language made them a tenth of a small document's time
// to compile. Digits are ASCII `[0-9]` (NFKC made full-width digits ASCII, and a port is
// only ever parsed from those): Unicode `\d`, repeated five times, made each pattern's
// automaton several times larger.

/// "port 8443", "ports 80, 443 and 8080", "TCP port 1433", "ポート番号 8443", "端口 443",
/// "порт 8080", "ports 5000 to 5010" (the port words of every language).
static AFTER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let v = vocab();
    Regex::new(&format!(
        r"(?:\b(?P<tr>tcp|udp|sctp)(?:\s*(?:/|&|\band\b|\bor\b|\bund\b|\bet\b|\by\b|\be\b)\s*(?:(?P<tr2>tcp|udp|sctp)|ip)\b)?\s*)?{ports}\s*(?:{number}\s*)?(?:{intro}\s*)?(?P<first>[0-9]{{1,5}})(?-u:\b)(?P<more>(?:\s*(?:,|/|{list})\s*[0-9]{{1,5}}(?-u:\b))*)(?:\s*(?:-|~|{range})\s*(?P<end>[0-9]{{1,5}})(?-u:\b))?",
        ports = alternation(&v.prose_port_words),
        number = alternation(&v.prose_number_words),
        intro = alternation(&v.prose_range_intro),
        list = alternation(&v.list_words),
        range = alternation(&v.range_words),
    ))
    .expect("prose pattern")
});
/// "8445 port", "443 端口", "8080 포트".
static BEFORE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{NUM}\s*{}",
        alternation(&vocab().prose_port_words)
    ))
    .expect("prose pattern")
});
static SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b([0-9]{1,5})/(tcp|udp|sctp)\b").unwrap());
static DASH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Za-z][A-Za-z0-9/ ()._+-]{0,40}?)\s*[—–]\s*([0-9]{2,5})\b").unwrap()
});
/// "UDP 40000-41999", "TCP 8443", "TCP/5000" in running text: a transport name right before the
/// number; "TCP:1024:5000" is a range (LABELING 21).
static TRANSPORT_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(tcp|udp|sctp)(?:\s*|/|:){NUM}(?:(?:\s*(?:-|~|{})\s*|:){NUM})?",
        alternation(&vocab().range_words)
    ))
    .expect("prose pattern")
});

/// "443/TCP for the Apache container", "port 22 (for SSH)", "8080 pour l'interface": what a
/// port is for, named right after it (a purpose word, an optional article, up to four words,
/// then a stop word or punctuation). Runs on `key` text.
static FOR_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?-u:\b)([0-9]{{1,5}})(?-u:\b)(?:\s*/\s*(?:tcp|udp))?[`'"\s]*\(?\s*{purpose}\s+(?:(?:the|le|la|les|l'|der|die|das|den|el|los|las|il|lo|gli)\s*)?([a-z][a-z0-9/+_-]*(?:\s+[a-z][a-z0-9/+_-]*){{0,3}}?)(?:\s+(?:to|and|or|on|in|at|with|which|that|is|are|must|should|if|from|et|ou|und|oder|y|e|o)(?-u:\b)|\s*[).,;:]|\s*$)"#,
        purpose = alternation(&vocab().prose_purpose_words),
    ))
    .expect("prose pattern")
});

/// What a sentence says port `port` is for ([`FOR_NAME`]), in the sentence's own case when it
/// is ASCII; empty when it says nothing or only a kind of use ("for connections").
fn purpose_of(sentence: &str, port: u16) -> String {
    let sentence = &*ungroup_digits(sentence);
    let f = key(sentence);
    let v = vocab();
    let folded = crate::normalize::fold(sentence);
    let same_positions = folded.is_ascii() && folded.len() == f.len();
    for c in FOR_NAME.captures_iter(&f) {
        if num(&c[1]) != Some(port) {
            continue;
        }
        let g = c.get(2).expect("a name");
        if v.prose_generic_purposes.word_found_in(g.as_str()) {
            continue;
        }
        return if same_positions {
            folded[g.start()..g.end()].to_string()
        } else {
            g.as_str().to_string()
        };
    }
    String::new()
}

pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == '•' {
            if !cur.trim().is_empty() {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.clear();
            }
        }
        cur.push(c);
        let end = matches!(c, '。' | '!' | '?')
            || (c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
        if end {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

struct Mention {
    start: u16,
    end: u16,
    transport: String,
    listener: String,
}

fn num(s: &str) -> Option<u16> {
    s.parse::<u32>()
        .ok()
        .filter(|n| (1..=65535).contains(n))
        .map(|n| n as u16)
}

fn followed_by_version(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit())
}

fn mentions(sentence: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    if !sentence.chars().any(|c| c.is_ascii_digit()) {
        return out;
    }
    let sentence = &*ungroup_digits(sentence);
    let dashed = sentence.contains(['—', '–']);
    // the matching key: lower case, accents off, as the vocabulary's words are
    let f = key(sentence);
    let port_word = vocab().prose_port_words.found_in(&f);
    for c in DASH_NAME.captures_iter(if dashed { sentence } else { "" }) {
        // "40000–41999" is a range, not a name and a port
        if c[1].ends_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        if let Some(p) = num(&c[2]) {
            let name = squash(c[1].trim_start_matches(['•', '-', ' ']));
            out.push(Mention {
                start: p,
                end: p,
                transport: String::new(),
                listener: name,
            });
        }
    }
    for c in AFTER_WORD.captures_iter(if port_word { &f } else { "" }) {
        let whole = c.get(0).unwrap();
        if followed_by_version(&f, whole.end()) {
            continue;
        }
        // "TCP and UDP port 53": one mention per transport
        let mut trs: Vec<String> = ["tr", "tr2"]
            .iter()
            .filter_map(|g| c.name(g).map(|m| m.as_str().to_lowercase()))
            .collect();
        trs.dedup();
        if trs.is_empty() {
            trs.push(String::new());
        }
        let Some(first) = num(&c["first"]) else {
            continue;
        };
        let range_end = c.name("end").and_then(|m| num(m.as_str()));
        let single_range = range_end
            .filter(|&e| e >= first && c.name("more").is_none_or(|m| m.as_str().is_empty()));
        for tr in trs {
            if let Some(e) = single_range {
                out.push(Mention {
                    start: first,
                    end: e,
                    transport: tr,
                    listener: String::new(),
                });
                continue;
            }
            out.push(Mention {
                start: first,
                end: first,
                transport: tr.clone(),
                listener: String::new(),
            });
            if let Some(more) = c.name("more") {
                for n in more
                    .as_str()
                    .split(|ch: char| !ch.is_ascii_digit())
                    .filter_map(num)
                {
                    out.push(Mention {
                        start: n,
                        end: n,
                        transport: tr.clone(),
                        listener: String::new(),
                    });
                }
            }
        }
    }
    for c in BEFORE_WORD.captures_iter(if port_word { &f } else { "" }) {
        // "Release 5.1 Port Reference": the end of a version number
        let at = c.get(1).map_or(0, |m| m.start());
        if f[..at].ends_with('.') || f[..at].ends_with(',') {
            continue;
        }
        if let Some(p) = num(&c[1]) {
            out.push(Mention {
                start: p,
                end: p,
                transport: String::new(),
                listener: String::new(),
            });
        }
    }
    for c in TRANSPORT_NUM.captures_iter(&f) {
        let whole = c.get(0).expect("match");
        if followed_by_version(&f, whole.end()) {
            continue;
        }
        let Some(first) = num(&c[2]) else { continue };
        let end = c
            .get(3)
            .and_then(|m| num(m.as_str()))
            .filter(|e| *e >= first)
            .unwrap_or(first);
        // the same port already read with the word "port" around it
        if out.iter().any(|m| m.start == first) {
            continue;
        }
        out.push(Mention {
            start: first,
            end,
            transport: c[1].to_lowercase(),
            listener: String::new(),
        });
    }
    for c in SLASH.captures_iter(if f.contains('/') { &f } else { "" }) {
        if let Some(p) = num(&c[1]) {
            out.push(Mention {
                start: p,
                end: p,
                transport: c[2].to_lowercase(),
                listener: String::new(),
            });
        }
    }
    // a number read both with and without its transport ("port 3478/UDP") is the one with it
    let with_transport: Vec<(u16, u16)> = out
        .iter()
        .filter(|m| !m.transport.is_empty())
        .map(|m| (m.start, m.end))
        .collect();
    out.retain(|m| !m.transport.is_empty() || !with_transport.contains(&(m.start, m.end)));
    out
}

/// The sentences of a text that may name ports (not the boilerplate about ephemeral source
/// ports, not "no longer uses"), each with the port mentions in it.
fn sentence_mentions(text: &str) -> impl Iterator<Item = (String, Vec<Mention>)> + '_ {
    let v = vocab();
    sentences(text).into_iter().filter_map(move |s| {
        let k = key(&s);
        if v.prose_boilerplate.found_in(&k) || v.prose_negation.found_in(&k) {
            return None;
        }
        let m = mentions(&s);
        Some((s, m))
    })
}

/// A port named in running text: (first, last, transport or empty), in the order they appear.
pub fn port_mentions(text: &str) -> Vec<(u16, u16, String)> {
    let mut out: Vec<(u16, u16, String)> = Vec::new();
    for m in sentence_mentions(text).flat_map(|(_, m)| m) {
        let m = (m.start, m.end, m.transport);
        if !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// A paragraph that defines a footnote ("1 Porta alternativa disponibile ...", "² The ports
/// ..."), without its mark; any other paragraph as it is.
fn footnote_body(text: &str) -> &str {
    match crate::understand::numbered_note(text.trim_start()) {
        Some((_, rest)) if rest.starts_with(char::is_alphabetic) => rest,
        _ => text,
    }
}

/// What a sentence that introduces a list ("... forward the following incoming connections:")
/// says about every item of it (LABELING rule 18).
#[derive(Default, Clone, Copy)]
struct Intro {
    direction: Option<Direction>,
    /// The list is of traffic that is dropped or refused, not of ports to open.
    refused: bool,
}

impl Intro {
    fn of(paragraph: &str) -> Intro {
        let t = paragraph.trim_end();
        if !t.ends_with([':', '：']) {
            return Intro::default();
        }
        let last = sentences(t).pop().unwrap_or_default();
        Intro {
            direction: vocab().direction(&last),
            refused: vocab().prose_refused.found_in(&key(&last)),
        }
    }
}

/// A list item that is a row of a port list: a name, a colon, and a port cell ("Web
/// interface: 8006 (TCP, HTTP/1.1 over TLS)", "sendmail: 25 (TCP, outgoing)", "corosync:
/// 5405-5412 UDP"). The name is the listener; words in parentheses give transport and direction.
/// The item (or its heading, `context`) must be about ports: it names a transport or a port
/// word ("CPU: 2 Minimum" is not a port).
fn list_row(item: &str, context: &str) -> Option<Vec<PortRecord>> {
    let v = vocab();
    let (label, rest) = item.split_once([':', '：'])?;
    let label = squash(label.trim_start_matches(['-', '*', '•', ' ']));
    if label.is_empty()
        || label.split_whitespace().count() > crate::tuning::LIST_LABEL_MAX_WORDS
        || !v.explicit_transports_in(&label).is_empty() && label.split_whitespace().count() == 1
    {
        return None; // "TCP:1024:5000" is a range, not a name
    }
    let about_ports = !v.explicit_transports_in(rest).is_empty()
        || v.prose_port_words.found_in(&key(item))
        || v.prose_port_words.found_in(&key(context));
    if !about_ports {
        return None;
    }
    let rest = rest.trim();
    let (cell, paren) = match rest.split_once('(') {
        Some((c, p)) => (c.trim(), p.split(')').next().unwrap_or("")),
        None => (rest, ""),
    };
    let CellParse::Ports(specs) = parse_port_cell(cell) else {
        return None;
    };
    // the transport the parentheses name, else the one the cell names beside its ports
    let mut paren_transports = v.explicit_transports_in(paren);
    if paren_transports.is_empty() {
        paren_transports = v.explicit_transports_in(cell);
    }
    // a label that only says a direction ("Inbound: TCP 2701", "In entrata: Porta TCP 2701")
    // is the item's direction, not a name
    let label_direction = (label.split_whitespace().count()
        <= crate::tuning::DIRECTION_LABEL_MAX_WORDS)
        .then(|| v.direction(&label))
        .flatten();
    let listener = if label_direction.is_some() {
        String::new()
    } else {
        label.clone()
    };
    let direction = v.direction(paren).or(label_direction);
    let mut out = Vec::new();
    for spec in specs {
        let transports = if spec.transports.is_empty() {
            paren_transports.clone()
        } else {
            spec.transports.clone()
        };
        let transports: Vec<String> = if transports.is_empty() {
            vec![String::new()]
        } else {
            transports.iter().map(|t| t.as_str().to_string()).collect()
        };
        for transport in transports {
            out.push(PortRecord {
                listener: listener.clone(),
                transport,
                port_start: spec.start,
                port_end: spec.end,
                port_side: "local".into(),
                direction: direction
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
                qualifier: spec.qualifier.clone(),
                origin: "list".into(),
                confidence: crate::tuning::LIST_ROW_CONFIDENCE,
                raw: squash(item),
                table_index: u32::MAX,
                ..Default::default()
            });
        }
    }
    Some(out)
}

/// The (section, first port, last port, transport) of the records made so far.
type Seen = BTreeSet<(usize, u16, u16, String)>;

/// Adds records that neither the section nor an earlier record of the same key already has.
fn push_new(
    out: &mut Vec<PortRecord>,
    seen: &mut Seen,
    section: usize,
    section_start: usize,
    rows: Vec<PortRecord>,
    page: Option<u32>,
) {
    for mut r in rows {
        r.page = page;
        let dup = out[section_start..].iter().any(|o| {
            (o.port_start, o.port_end, &o.transport, &o.listener)
                == (r.port_start, r.port_end, &r.transport, &r.listener)
        });
        if !dup && seen.insert((section, r.port_start, r.port_end, r.transport.clone())) {
            out.push(r);
        }
    }
}

/// A paragraph that is one firewall command (text decoders that keep no code blocks).
fn is_command(text: &str) -> bool {
    !text.contains('\n') && opened_by(text).is_some_and(|o| !o.is_empty())
}

/// Records for the ports a block of firewall commands opens (LABELING rule 15), but not the
/// ones a table of the document already lists with the same transport.
fn command_records(text: &str, table_ports: &BTreeSet<(u16, u16, String)>) -> Vec<PortRecord> {
    let mut out = Vec::new();
    for line in text.lines() {
        crate::budget::check();
        let Some(opened) = opened_by(line) else {
            continue;
        };
        for o in opened {
            let transport = o
                .transport
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            if table_ports.contains(&(o.start, o.end, transport.clone())) {
                continue;
            }
            out.push(PortRecord {
                transport,
                port_start: o.start,
                port_end: o.end,
                port_side: if o.direction == Direction::Outbound {
                    "remote".into()
                } else {
                    "local".into()
                },
                direction: o.direction.as_str().to_string(),
                origin: "command".into(),
                confidence: crate::tuning::COMMAND_CONFIDENCE,
                raw: squash(line),
                table_index: u32::MAX,
                ..Default::default()
            });
        }
    }
    out
}

/// Records for the ports that the document's prose names and its tables do not.
pub fn prose_records(doc: &Document, table_records: &[PortRecord]) -> Vec<PortRecord> {
    // a port a table names is the table's; prose repeats it (or, under the table's own
    // heading, explains it)
    let in_tables: BTreeSet<u16> = table_records
        .iter()
        .flat_map(|r| [r.port_start, r.port_end])
        .collect();
    let table_ports: BTreeSet<(u16, u16, String)> = table_records
        .iter()
        .map(|r| (r.port_start, r.port_end, r.transport.clone()))
        .collect();
    let mut seen: Seen = BTreeSet::new();
    let mut out: Vec<PortRecord> = Vec::new();
    // the direction the last heading states ("Inbound ports"), for the text under it
    let mut heading_direction = None;
    // the section the text is in: a port stated in two sections is two statements (LABELING
    // rule 5); in one section, one
    let mut section = 0usize;
    let mut heading = String::new();
    // what the text is written for (the title, then the nearest headings), for connection
    // phrases ("TCP port 443 FROM the worker nodes TO the registry")
    let mut headings: Vec<&str> = Vec::new();
    // (their distinctive words: the title's, then the nearest headings' at the current block)
    let mut subjects = [subject_words(doc.subject()), Vec::new()];
    let mut section_start = 0usize;
    // what the paragraph before a list says about the list's items
    let mut intro = Intro::default();
    // the heading and the paragraph the current list stands under
    let mut context = String::new();
    for b in &doc.blocks {
        let (text, page) = match b {
            Block::Heading { text, .. } => {
                heading_direction = (text.split_whitespace().count()
                    <= crate::tuning::TITLE_DIRECTION_MAX_WORDS)
                    .then(|| vocab().direction(text))
                    .flatten();
                section += 1;
                section_start = out.len();
                heading = text.clone();
                headings.push(text);
                subjects[1] = subject_words(
                    &headings
                        .iter()
                        .rev()
                        .take(SUBJECT_HEADINGS)
                        .copied()
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                context = text.clone();
                continue;
            }
            Block::Code { text, page, .. } => {
                let rs = command_records(text, &table_ports);
                push_new(&mut out, &mut seen, section, section_start, rs, *page);
                continue;
            }
            Block::Paragraph { text, page } if is_command(text) => {
                let rs = command_records(text, &table_ports);
                push_new(&mut out, &mut seen, section, section_start, rs, *page);
                continue;
            }
            Block::ListItem { text, page, .. } => (text.as_str(), page),
            Block::Paragraph { text, page } | Block::Note { text, page } => {
                intro = Intro::of(text);
                if text.trim_end().ends_with([':', '：']) {
                    // a list under its own intro ("Elastic Fleet nodes to Manager:") is its own
                    // set of rows: a port it repeats from the list before is another row
                    section += 1;
                    section_start = out.len();
                }
                context = format!("{heading} {text}");
                // a footnote's own number ("1 Alternate port available ...") is not a port
                (footnote_body(text), page)
            }
            _ => {
                intro = Intro::default();
                continue;
            }
        };
        let is_item = matches!(b, Block::ListItem { .. });
        if is_item && intro.refused {
            continue; // "The following traffic is dropped:" lists what is not allowed
        }
        if let Some(mut rows) = is_item.then(|| list_row(text, &context)).flatten() {
            for r in &mut rows {
                if r.direction.is_empty() {
                    if let Some(d) = intro.direction.or(heading_direction) {
                        r.direction = d.as_str().to_string();
                    }
                }
                if r.direction == Direction::Outbound.as_str() {
                    r.port_side = "remote".into();
                }
            }
            push_new(&mut out, &mut seen, section, section_start, rows, *page);
            continue;
        }
        // a statement of one rule ("Outbound: TCP port 80 (for HTTP)"): short, and opened by a
        // direction label; its port stands even where a table names the same number, and its
        // section's heading names what it is for
        let first_clause = text
            .split([',', ';', '，', '、'])
            .next()
            .unwrap_or_default();
        let statement = first_clause.split_whitespace().count()
            <= crate::tuning::STATEMENT_MAX_WORDS
            && vocab().leading_direction(text).is_some();
        for (s, found) in sentence_mentions(text) {
            // ports the sentence gives no transport of their own take the transports it names
            // elsewhere ("Allow outbound TCP and UDP connections to ports 80 and 443")
            let named = vocab().explicit_transports_in(&s);
            let found: Vec<Mention> = found
                .into_iter()
                .flat_map(|m| {
                    if !m.transport.is_empty() || named.is_empty() {
                        return vec![m];
                    }
                    named
                        .iter()
                        .map(|t| Mention {
                            transport: t.as_str().to_string(),
                            listener: m.listener.clone(),
                            ..m
                        })
                        .collect()
                })
                .collect();
            // the sentence's own direction words, else its heading's (LABELING 14, 18)
            let direction = vocab()
                .direction(&s)
                .or(if is_item { intro.direction } else { None })
                .or(heading_direction)
                .or_else(|| flow_direction(&s, &subjects));
            let side = if direction == Some(Direction::Outbound) {
                "remote"
            } else {
                "local"
            };
            for m in found {
                if in_tables.contains(&m.start) && !statement {
                    continue;
                }
                if let Some(existing) = out[section_start..].iter_mut().find(|r| {
                    r.port_start == m.start
                        && r.port_end == m.end
                        && (r.transport == m.transport || m.transport.is_empty())
                }) {
                    if existing.listener.is_empty() && !m.listener.is_empty() {
                        existing.listener = m.listener;
                    }
                    continue;
                }
                if !seen.insert((section, m.start, m.end, m.transport.clone())) {
                    continue;
                }
                let listener = if !m.listener.is_empty() {
                    m.listener
                } else if statement {
                    heading.clone()
                } else {
                    // "443/TCP for the Apache container"
                    purpose_of(&s, m.start)
                };
                out.push(PortRecord {
                    page: *page,
                    table: String::new(),
                    row: 0,
                    listener,
                    transport: m.transport,
                    port_start: m.start,
                    port_end: m.end,
                    port_side: side.into(),
                    direction: direction
                        .map(|d| d.as_str().to_string())
                        .unwrap_or_default(),
                    origin: "prose".into(),
                    confidence: PROSE_CONFIDENCE,
                    raw: squash(&s),
                    table_index: u32::MAX,
                    ..Default::default()
                });
            }
        }
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.row = i as u32 + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_port_is_for_names_its_listener() {
        assert_eq!(
            purpose_of("443/TCP for the Apache container", 443),
            "Apache container"
        );
        assert_eq!(purpose_of("TCP/IP port 22 (for SSH)", 22), "SSH");
        assert_eq!(
            purpose_of(
                "Open port 80 for HTTP and port 443 for HTTPS to the cluster.",
                443
            ),
            "HTTPS"
        );
        // a kind of use is no listener
        assert_eq!(
            purpose_of("port 3128 for connections to the proxy", 3128),
            ""
        );
        assert_eq!(
            purpose_of("Porta TCP 80 (per la comunicazione HTTP)", 80),
            ""
        );
        // another port's purpose is not this one's
        assert_eq!(purpose_of("port 80 for HTTP", 8080), "");
    }

    #[test]
    fn two_transports_before_a_port_word_give_one_mention_each() {
        let got: Vec<(u16, u16, String)> = mentions("Allow TCP and UDP port 53 for DNS.")
            .into_iter()
            .map(|m| (m.start, m.end, m.transport))
            .collect();
        assert!(got.contains(&(53, 53, "tcp".into())) && got.contains(&(53, 53, "udp".into())));
        let got: Vec<(u16, u16, String)> = mentions("TCP/UDP port range 30000-32767")
            .into_iter()
            .map(|m| (m.start, m.end, m.transport))
            .collect();
        assert!(got.contains(&(30000, 32767, "tcp".into())), "{got:?}");
        assert!(got.contains(&(30000, 32767, "udp".into())), "{got:?}");
    }

    #[test]
    fn a_footnote_number_is_not_a_port() {
        assert_eq!(
            footnote_body("1 Porta alternativa disponibile In Configuration Manager ..."),
            "Porta alternativa disponibile In Configuration Manager ..."
        );
        assert_eq!(footnote_body("8080 is the default"), "8080 is the default");
        assert_eq!(footnote_body("2 ports are needed"), "ports are needed");
    }

    fn ports(s: &str) -> Vec<(u16, String)> {
        mentions(s)
            .into_iter()
            .map(|m| (m.start, m.listener))
            .collect()
    }

    #[test]
    fn colon_ranges() {
        let m: Vec<(u16, u16)> = mentions("TCP:1024:5000")
            .iter()
            .map(|m| (m.start, m.end))
            .collect();
        assert_eq!(m, vec![(1024, 5000)]);
    }

    #[test]
    fn list_items_that_are_rows() {
        assert!(list_row("CPU: 2 Minimum", "Hardware").is_none());
        assert!(list_row("TCP:1024:5000", "Ports").is_none());
        let r = list_row("sendmail: 25 (TCP, outgoing)", "").unwrap();
        assert_eq!(
            (
                r[0].listener.as_str(),
                r[0].transport.as_str(),
                r[0].port_start
            ),
            ("sendmail", "tcp", 25)
        );
        assert_eq!(r[0].direction, "outbound");
        let r = list_row("corosync cluster traffic: 5405-5412 UDP", "").unwrap();
        assert_eq!((r[0].port_start, r[0].port_end), (5405, 5412));
        assert_eq!(r[0].transport, "udp");
        assert!(list_row("Note: see the table below", "Ports").is_none());
        assert!(Intro::of("The following traffic is dropped, but not logged:").refused);
        assert_eq!(
            Intro::of("Forward the following incoming connections:").direction,
            Some(Direction::Inbound)
        );
        assert!(Intro::of("Incoming connections are listed below.")
            .direction
            .is_none());
    }

    #[test]
    fn ranges_and_transports_in_sentences() {
        let m = mentions("UDP ports in the range 16384 - 32768 (for RTP streams)");
        assert_eq!(
            (m[0].start, m[0].end, m[0].transport.as_str()),
            (16384, 32768, "udp")
        );
        let m = mentions("TCP/IP ports 80/443 (for HTTP/HTTPS)");
        let got: Vec<(u16, &str)> = m.iter().map(|m| (m.start, m.transport.as_str())).collect();
        assert_eq!(got, vec![(80, "tcp"), (443, "tcp")]);
        let m = mentions("the talk container uses port 3478/UDP");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].transport, "udp");
    }

    #[test]
    fn finds_port_mentions() {
        assert_eq!(
            ports("the 301 HTTP redirect is issued to the secured port 8445."),
            vec![(8445, String::new())]
        );
        assert_eq!(
            ports("• BOSH/WebSocket (HTTP)—7071 • XMPP—5222 Use the CLI"),
            vec![
                (7071, "BOSH/WebSocket (HTTP)".to_string()),
                (5222, "XMPP".to_string())
            ]
        );
        assert!(ports("only support TLS 1.2 by default").is_empty());
        assert!(ports("see XEP-0124 for details").is_empty());
        assert!(ports("https://<FQDN>:<port>/finesse/api/<object>").is_empty());
        assert!(ports("Release 12.5(1) 8 Introduction").is_empty());
        assert_eq!(ports("uses TCP port 1433 for SQL").len(), 1);
        assert_eq!(ports("over 8445 port")[0].0, 8445);
    }
}
