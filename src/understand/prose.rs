//! Port mentions in running prose ("redirected to the secured port 8445", "XMPP—5222"), with low
//! confidence. Not ports: status codes, versions, placeholders such as `<port>`, page numbers,
//! and the boilerplate about ephemeral source ports. A mention of a port that a table of the same
//! document already lists adds nothing and is left out.

use crate::document::{Block, Document};
use crate::normalize::{is_cjk, key, squash};
use crate::record::PortRecord;
use crate::vocab::{vocab, Direction};
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;

pub const PROSE_CONFIDENCE: f64 = 0.5;

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
const NUM: &str = r"(\d{1,5})(?-u:\b)";

/// "port 8443", "ports 80, 443 and 8080", "TCP port 1433", "ポート番号 8443", "端口 443",
/// "порт 8080", "ports 5000 to 5010" (the port words of every language).
static AFTER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let v = vocab();
    Regex::new(&format!(
        r"(?i)(?:\b(tcp|udp|sctp)(?:/(?:tcp|udp))?\s*)?{ports}\s*(?:{number}\s*)?{NUM}((?:\s*(?:,|{list})\s*\d{{1,5}}(?-u:\b))*)(?:\s*(?:-|~|{range})\s*{NUM})?",
        ports = alternation(&v.prose_port_words),
        number = alternation(&v.prose_number_words),
        list = alternation(&v.list_words),
        range = alternation(&v.range_words),
    ))
    .expect("prose pattern")
});
/// "8445 port", "443 端口", "8080 포트".
static BEFORE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i){NUM}\s*{}",
        alternation(&vocab().prose_port_words)
    ))
    .expect("prose pattern")
});
static SLASH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(\d{1,5})/(tcp|udp|sctp)\b").unwrap());
static DASH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([A-Za-z][A-Za-z0-9/ ()._+-]{0,40}?)\s*[—–]\s*(\d{2,5})\b").unwrap()
});
/// "UDP 40000-41999", "TCP 8443", "TCP/5000" in running text: a transport name right before the
/// number; "TCP:1024:5000" is a range (LABELING 21).
static TRANSPORT_NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(tcp|udp|sctp)(?:\s*|/|:){NUM}(?:(?:\s*(?:-|~|{})\s*|:){NUM})?",
        alternation(&vocab().range_words)
    ))
    .expect("prose pattern")
});

/// A command line that opens a port in a host firewall.
static FIREWALL_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:^|[\s;&|(])(?:ufw|firewall-cmd|iptables|ip6tables|nft|netsh|new-netfirewallrule|set-netfirewallrule|semanage\s+port)(?:$|\s)",
    )
    .expect("firewall command pattern")
});

/// The lines of a code block that are firewall commands (`ufw allow 443/tcp`,
/// `firewall-cmd --add-port=8443/tcp`); comments are not commands.
fn firewall_commands(code: &str) -> Vec<String> {
    code.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with(['#', '/']) && FIREWALL_COMMAND.is_match(l))
        .map(str::to_string)
        .collect()
}

fn sentences(text: &str) -> Vec<String> {
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
        let tr = c
            .get(1)
            .map(|m| m.as_str().to_lowercase())
            .unwrap_or_default();
        let Some(first) = num(&c[2]) else { continue };
        if let Some(e) = c.get(4).and_then(|m| num(m.as_str())) {
            if e >= first && c.get(3).is_none_or(|m| m.as_str().is_empty()) {
                out.push(Mention {
                    start: first,
                    end: e,
                    transport: tr,
                    listener: String::new(),
                });
                continue;
            }
        }
        out.push(Mention {
            start: first,
            end: first,
            transport: tr.clone(),
            listener: String::new(),
        });
        if let Some(more) = c.get(3) {
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

/// Records for the ports that the document's prose names and its tables do not.
pub fn prose_records(doc: &Document, table_records: &[PortRecord]) -> Vec<PortRecord> {
    let in_tables: BTreeSet<u16> = table_records
        .iter()
        .flat_map(|r| [r.port_start, r.port_end])
        .collect();
    let mut seen: BTreeSet<(u16, u16, String)> = BTreeSet::new();
    let mut out: Vec<PortRecord> = Vec::new();
    // the direction the last heading states ("Inbound ports"), for the text under it
    let mut heading_direction = None;
    for b in &doc.blocks {
        let (text, page) = match b {
            Block::Heading { text, .. } => {
                heading_direction = (text.split_whitespace().count()
                    <= crate::understand::tables::TITLE_DIRECTION_MAX_WORDS)
                    .then(|| vocab().direction(text))
                    .flatten();
                continue;
            }
            Block::Paragraph { text, page }
            | Block::Note { text, page }
            | Block::ListItem { text, page, .. } => (vec![text.clone()], page),
            // the firewall commands of a code block (LABELING 15), one line a sentence
            Block::Code { text, page, .. } => (firewall_commands(text), page),
            _ => continue,
        };
        for (s, found) in text.iter().flat_map(|t| sentence_mentions(t)) {
            // the sentence's own direction words, else its heading's (LABELING 14, 18)
            let direction = vocab().direction(&s).or(heading_direction);
            let side = if direction == Some(Direction::Outbound) {
                "remote"
            } else {
                "local"
            };
            for m in found {
                if in_tables.contains(&m.start) {
                    continue;
                }
                if let Some(existing) = out.iter_mut().find(|r| {
                    r.port_start == m.start
                        && r.port_end == m.end
                        && (r.transport == m.transport || m.transport.is_empty())
                }) {
                    if existing.listener.is_empty() && !m.listener.is_empty() {
                        existing.listener = m.listener;
                    }
                    continue;
                }
                if !seen.insert((m.start, m.end, m.transport.clone())) {
                    continue;
                }
                out.push(PortRecord {
                    page: *page,
                    table: String::new(),
                    row: 0,
                    listener: m.listener,
                    transport: m.transport,
                    port_start: m.start,
                    port_end: m.end,
                    port_side: side.into(),
                    direction: direction
                        .map(|d| d.as_str().to_string())
                        .unwrap_or_default(),
                    source: "prose".into(),
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
    fn firewall_code_and_colon_ranges() {
        assert_eq!(
            firewall_commands(
                "# open\nsudo ufw allow 80/tcp\necho 8080\nfirewall-cmd --add-port=443/tcp"
            ),
            vec!["sudo ufw allow 80/tcp", "firewall-cmd --add-port=443/tcp"]
        );
        let m: Vec<(u16, u16)> = mentions("TCP:1024:5000")
            .iter()
            .map(|m| (m.start, m.end))
            .collect();
        assert_eq!(m, vec![(1024, 5000)]);
    }

    fn ports(s: &str) -> Vec<(u16, String)> {
        mentions(s)
            .into_iter()
            .map(|m| (m.start, m.listener))
            .collect()
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
