//! The port-cell grammar: the one place that decides "is this a port?".
//!
//! Text in (one table cell as the document wrote it), a list of port specs out: transport(s),
//! range, qualifier, flags and footnote marks. It understands `TCP 80, 8082`, `TCP 80、8082`,
//! `Port 465 (configurable)`, `Side A: TCP 42027 ¹ Side B: TCP 43027 ¹`, `A 側 : TCP 42027 ¹`,
//! `TCP 23000 - 28000 (First available)`, `443/TCP (HTTPS)`, `53/UDP,53/TCP (DNS)`, `67/68`,
//! `1024-65535 \*`, a PDF dump's `TCP 1433 1` and a bare `8442`.

use crate::normalize::{fold, is_cjk, key, take_marks, ungroup_digits, Mark};
use crate::vocab::{vocab, Transport};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PortSpec {
    /// Transports the cell itself names for this port (empty: the cell does not say).
    pub transports: Vec<Transport>,
    pub start: u16,
    pub end: u16,
    pub qualifier: String,
    pub configurable: bool,
    pub default_port: bool,
    /// Footnote marks attached to the port (`1` for `¹`, `*`, `†`).
    pub marks: Vec<Mark>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellParse {
    Ports(Vec<PortSpec>),
    /// Empty, a dash, "any", "N/A", "see comments": no port and nothing wrong.
    NoPort,
    /// An author's placeholder (`xxx`, `?`): worth a warning, never a record.
    Placeholder,
    /// Text that is not a port specification (prose, file patterns, versions).
    NotPort,
    /// Looks like a port but is out of range or malformed.
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String, bool), // digits, preceded by whitespace only (no separator) since the last token
    Word(String),
    Paren(String),
    Sep(char),
    Dash,
    Colon,
    Dot,
}

fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut spaced = false;
    while i < chars.len() {
        crate::budget::check();
        let c = chars[i];
        if c.is_whitespace() {
            spaced = true;
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            let st = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let prev_is_num = matches!(toks.last(), Some(Tok::Num(..)));
            toks.push(Tok::Num(
                chars[st..i].iter().collect(),
                spaced && prev_is_num,
            ));
        } else if c.is_alphabetic() {
            let st = i;
            let cjk = is_cjk(c);
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '\'' || chars[i] == '_')
                && is_cjk(chars[i]) == cjk
                && !(cjk && chars[i].is_ascii_digit())
            {
                i += 1;
            }
            toks.push(Tok::Word(chars[st..i].iter().collect()));
        } else if c == '(' || c == '[' {
            let close = if c == '(' { ')' } else { ']' };
            let st = i + 1;
            let mut depth = 1;
            i += 1;
            while i < chars.len() && depth > 0 {
                if chars[i] == c {
                    depth += 1;
                } else if chars[i] == close {
                    depth -= 1;
                }
                i += 1;
            }
            let end = if depth == 0 { i - 1 } else { i };
            toks.push(Tok::Paren(
                chars[st..end].iter().collect::<String>().trim().to_string(),
            ));
        } else {
            match c {
                ',' | ';' | '/' | '&' | '+' | '|' => toks.push(Tok::Sep(c)),
                '-' | '~' => toks.push(Tok::Dash),
                ':' => toks.push(Tok::Colon),
                '.' => toks.push(Tok::Dot),
                _ => {}
            }
            i += 1;
        }
        spaced = false;
    }
    toks
}

fn port_number(s: &str) -> Option<u16> {
    if s.len() > 5 {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    if (1..=65535).contains(&n) {
        Some(n as u16)
    } else {
        None
    }
}

/// Parses one port cell. See the module docs for the shapes it knows.
pub fn parse_port_cell(raw: &str) -> CellParse {
    crate::budget::check();
    parse_port_cell_at(raw, 0)
}

/// How deep parentheses inside a cell are read for ports ("HTTPS (443)"): a cell of thousands of
/// nested brackets is text past this depth, never a deep recursion.
const MAX_PAREN_DEPTH: usize = 4;

fn parse_port_cell_at(raw: &str, depth: usize) -> CellParse {
    let whole = parse_cell_text(raw, depth);
    if whole != CellParse::NotPort || !raw.trim().contains('\n') {
        return whole;
    }
    // a cell of several lines that does not read as one ("Version 2 (XMEM)" over
    // "Unencrypted: 8091, 8092"): the ports of the lines that are port specs
    let mut specs = Vec::new();
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        match parse_cell_text(line, depth) {
            CellParse::Ports(p) => specs.extend(p),
            CellParse::Invalid(why) => return CellParse::Invalid(why),
            _ => {}
        }
    }
    if specs.is_empty() {
        CellParse::NotPort
    } else {
        CellParse::Ports(specs)
    }
}

fn parse_cell_text(raw: &str, depth: usize) -> CellParse {
    let v = vocab();
    let (unmarked, cell_marks) = take_marks(raw);
    let text = fold(&ungroup_digits(&unmarked));
    let k = key(&text);
    if k.is_empty() || v.no_port.is(&k) {
        return CellParse::NoPort;
    }
    if v.placeholder.is(&k) {
        return CellParse::Placeholder;
    }
    if !k.chars().any(|c| c.is_ascii_digit()) {
        return if v.no_port.word_found_in(&k) {
            CellParse::NoPort
        } else {
            CellParse::NotPort
        };
    }

    let toks = tokenize(&text);
    let mut specs: Vec<PortSpec> = Vec::new();
    let mut transports: Vec<Transport> = Vec::new();
    let mut label: Option<String> = None;
    let mut prefix_words: Vec<String> = Vec::new();
    let mut prefix_ok = false; // unknown words before the first port are followed by a port word
    let mut paren_from = 0usize;
    // a port word or transport came before the first number ("Port 7443 ...", "TCP 80")
    let mut anchored = false;
    // "between 1024 and 65535": the next list word joins a range
    let mut between = false;
    // the last transport word was written after a port ("389/TCP"), so one joined to it
    // ("/UDP") is that port's too
    let mut postfix_chain = false;
    // a port has used the transports named so far ("TCP 80, UDP 53": UDP starts afresh)
    let mut transports_used = false;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Num(n, after_num) => {
                // a version (12.5) is not a port
                if matches!(toks.get(i + 1), Some(Tok::Dot))
                    && matches!(toks.get(i + 2), Some(Tok::Num(..)))
                {
                    if specs.is_empty() {
                        return CellParse::NotPort;
                    }
                    break;
                }
                // a lone digit right after a port, with no separator, is a footnote mark (PDF dumps)
                if *after_num && n.len() == 1 {
                    if let Some(Tok::Num(prev, _)) = i.checked_sub(1).and_then(|p| toks.get(p)) {
                        if prev.len() >= 2 {
                            if let Some(last) = specs.last_mut() {
                                last.marks.push(n.clone());
                            }
                            i += 1;
                            continue;
                        }
                    }
                }
                if !prefix_words.is_empty() && specs.is_empty() && !prefix_ok {
                    return CellParse::NotPort;
                }
                let Some(start) = port_number(n) else {
                    return CellParse::Invalid(format!("port number {n} is out of range"));
                };
                let mut end = start;
                let mut j = i + 1;
                let joins_list = std::mem::take(&mut between);
                let is_range_word = |t: Option<&Tok>| match t {
                    Some(Tok::Dash) => true,
                    Some(Tok::Word(w)) => {
                        let k = key(w);
                        v.range_words.is(&k) || (joins_list && v.list_words.is(&k))
                    }
                    _ => false,
                };
                if is_range_word(toks.get(j)) {
                    if let Some(Tok::Num(n2, _)) = toks.get(j + 1) {
                        let Some(e) = port_number(n2) else {
                            return CellParse::Invalid(format!("port number {n2} is out of range"));
                        };
                        if e < start {
                            return CellParse::Invalid(format!(
                                "port range {start}-{e} runs backwards"
                            ));
                        }
                        end = e;
                        j += 2;
                    }
                }
                let mut qualifier = String::new();
                if let Some(l) = &label {
                    qualifier = l.clone();
                }
                if !prefix_words.is_empty() && specs.is_empty() {
                    let p = prefix_words.join(" ");
                    qualifier = if qualifier.is_empty() {
                        p
                    } else {
                        format!("{qualifier}; {p}")
                    };
                }
                specs.push(PortSpec {
                    transports: transports.clone(),
                    start,
                    end,
                    qualifier,
                    ..Default::default()
                });
                transports_used = true;
                postfix_chain = false;
                i = j;
                continue;
            }
            Tok::Word(w) => {
                let wk = key(w);
                if let Some(t) = v.transport_word(&wk) {
                    let postfix = i >= 2
                        && matches!(toks[i - 1], Tok::Sep('/'))
                        && matches!(toks[i - 2], Tok::Num(..));
                    let joined = i >= 2
                        && matches!(toks[i - 1], Tok::Sep('/'))
                        && matches!(&toks[i - 2], Tok::Word(p) if v.transport_word(&key(p)).is_some());
                    if postfix || (joined && postfix_chain) {
                        // "389/TCP", "389/TCP/UDP": the transports of the port before
                        if let Some(last) = specs.last_mut() {
                            if !last.transports.contains(&t) {
                                last.transports.push(t);
                                last.transports.sort();
                            }
                        }
                        postfix_chain = true;
                    } else if joined || (!transports_used && !transports.is_empty()) {
                        // "TCP/UDP 53", "SIP over TCP, SIP over UDP 5060": all of them for
                        // the ports that follow
                        if !transports.contains(&t) {
                            transports.push(t);
                            transports.sort();
                        }
                    } else {
                        transports = vec![t];
                        transports_used = false;
                    }
                    if !prefix_words.is_empty() {
                        prefix_ok = true;
                    }
                    anchored = true;
                    i += 1;
                    continue;
                }
                // "from 1024 to 65535", "von 1024 bis 65535": the word before the range says nothing
                if matches!(toks.get(i + 1), Some(Tok::Num(..)))
                    && (v.range_prefixes.is(&wk) || v.range_between.is(&wk))
                {
                    between = v.range_between.is(&wk);
                    i += 1;
                    continue;
                }
                if v.port_words.is(&wk) {
                    anchored = true;
                    if !prefix_words.is_empty() {
                        prefix_ok = true;
                    }
                    i += 1;
                    continue;
                }
                // "TCP 8443 Note: port 9443 ..." - a note after the ports is not about this cell's ports
                if !specs.is_empty() && v.note_markers.is(&wk) {
                    break;
                }
                if v.list_words.is(&wk) && !specs.is_empty() {
                    i += 1;
                    continue;
                }
                // a run of words ending in a colon is a label ("Side A:", "A 側 :")
                let mut j = i;
                let mut words = Vec::new();
                while let Some(Tok::Word(w2)) = toks.get(j) {
                    if j > i && v.transport_word(&key(w2)).is_some() {
                        break; // "SIP over TCP": the transport is read on its own
                    }
                    words.push(w2.clone());
                    j += 1;
                }
                if matches!(toks.get(j), Some(Tok::Colon)) && words.len() <= 4 {
                    label = Some(words.join(" "));
                    i = j + 1;
                    continue;
                }
                if !specs.is_empty() {
                    // prose after the ports ("Port 7443 is used for ..."); a bare number followed
                    // by a sentence ("1 The ports listed ...") is a footnote or a count, not a port
                    if !anchored && specs.len() == 1 && words.len() >= 2 {
                        return CellParse::NotPort;
                    }
                    break;
                }
                if prefix_words.len() + words.len() > 4 {
                    return CellParse::NotPort;
                }
                prefix_words.extend(words);
                i = j;
                continue;
            }
            Tok::Paren(inner) => {
                if specs.is_empty() {
                    // "HTTPS (443)": the ports are inside the parentheses, the name before them
                    let inside = if depth < MAX_PAREN_DEPTH {
                        parse_port_cell_at(inner, depth + 1)
                    } else {
                        CellParse::NotPort
                    };
                    if let CellParse::Ports(inside) = inside {
                        let name = prefix_words.join(" ");
                        for mut s in inside {
                            if s.transports.is_empty() {
                                s.transports = transports.clone();
                            }
                            if s.qualifier.is_empty() {
                                s.qualifier = name.clone();
                            }
                            specs.push(s);
                        }
                        prefix_words.clear();
                        anchored = true;
                        paren_from = specs.len();
                    }
                    i += 1;
                    continue;
                }
                let ik = key(inner);
                let configurable = v.flag_configurable.found_in(&ik);
                let default_port = v.flag_default.is(&ik);
                let is_flag_only = v.flag_configurable.is(&ik) || v.flag_default.is(&ik);
                // "(TCP)", "(TCP/UDP)": the transport of the ports before it, not a qualifier;
                // "(HTTPS)": a qualifier, and tcp for ports whose transport is not stated
                let words: Vec<&str> = ik
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                let only_transports =
                    !words.is_empty() && words.iter().all(|w| v.transport_word(w).is_some());
                let only_explicit =
                    only_transports && words.iter().all(|w| v.is_explicit_transport(w));
                let paren_transports = if only_transports {
                    v.transports_in(inner)
                } else {
                    Vec::new()
                };
                let more_ports_follow = toks[i + 1..].iter().any(|t| matches!(t, Tok::Num(..)));
                let from = if !more_ports_follow && paren_from == 0 {
                    0
                } else {
                    paren_from
                };
                for s in &mut specs[from..] {
                    s.configurable |= configurable;
                    s.default_port |= default_port;
                    if s.transports.is_empty() {
                        s.transports = paren_transports.clone();
                    }
                    if !is_flag_only && !only_explicit && !inner.is_empty() {
                        if s.qualifier.is_empty() {
                            s.qualifier = inner.clone();
                        } else {
                            s.qualifier = format!("{}; {}", s.qualifier, inner);
                        }
                    }
                }
                paren_from = specs.len();
            }
            Tok::Colon => {
                if !prefix_words.is_empty() && specs.is_empty() {
                    label = Some(prefix_words.join(" "));
                    prefix_words.clear();
                }
            }
            Tok::Sep(_) | Tok::Dash | Tok::Dot => {}
        }
        i += 1;
    }
    if specs.is_empty() {
        return CellParse::NotPort;
    }
    for s in &mut specs {
        for m in &cell_marks {
            if !s.marks.contains(m) {
                s.marks.push(m.clone());
            }
        }
    }
    CellParse::Ports(specs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Transport::*;

    type Flat = (Vec<Transport>, u16, u16, String, bool, bool, Vec<String>);

    fn p(raw: &str) -> Vec<Flat> {
        match parse_port_cell(raw) {
            CellParse::Ports(v) => v
                .into_iter()
                .map(|s| {
                    (
                        s.transports,
                        s.start,
                        s.end,
                        s.qualifier,
                        s.configurable,
                        s.default_port,
                        s.marks,
                    )
                })
                .collect(),
            other => panic!("{raw:?} gave {other:?}"),
        }
    }

    #[test]
    fn ranges_and_lists_in_other_languages() {
        let ends = |raw: &str| -> Vec<(u16, u16)> { p(raw).iter().map(|f| (f.1, f.2)).collect() };
        assert_eq!(ends("TCP 1024 à 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("de 1024 à 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("von 1024 bis 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("del 1024 al 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("от 1024 до 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("1024 到 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("1024에서 65535까지"), vec![(1024, 65535)]);
        assert_eq!(ends("between 1024 and 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("entre 1024 et 65535"), vec![(1024, 65535)]);
        assert_eq!(ends("TCP 80 et 443"), vec![(80, 80), (443, 443)]);
        assert_eq!(ends("80 und 443"), vec![(80, 80), (443, 443)]);
        assert_eq!(ends("80 или 443"), vec![(80, 80), (443, 443)]);
        assert_eq!(ends("80 和 443"), vec![(80, 80), (443, 443)]);
        assert_eq!(ends("TCP 80 및 443"), vec![(80, 80), (443, 443)]);
        assert_eq!(ends("Port 5061 (par défaut)"), vec![(5061, 5061)]);
        assert!(
            p("Port 5061 (par défaut)")[0].5,
            "(par défaut) is the default flag"
        );
        assert!(p("TCP 5061 (konfigurierbar)")[0].4);
        assert_eq!(parse_port_cell("Aucun"), CellParse::NoPort);
        assert_eq!(parse_port_cell("不适用"), CellParse::NoPort);
        assert_eq!(parse_port_cell("해당 없음"), CellParse::NoPort);
        assert_eq!(parse_port_cell("待定"), CellParse::Placeholder);
        assert_eq!(ends("ＴＣＰ　１４３３"), vec![(1433, 1433)]);
    }

    #[test]
    fn transport_then_list() {
        let r = p("TCP 80, 8082");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].0.clone(), r[0].1), (vec![Tcp], 80));
        assert_eq!((r[1].0.clone(), r[1].1), (vec![Tcp], 8082));
        let r = p("TCP 80、8082");
        assert_eq!(r.iter().map(|x| x.1).collect::<Vec<_>>(), vec![80, 8082]);
        assert!(r.iter().all(|x| x.0 == vec![Tcp]));
        let r = p("TCP 443, 8445");
        assert_eq!(r.iter().map(|x| x.1).collect::<Vec<_>>(), vec![443, 8445]);
    }

    #[test]
    fn port_word_and_flags() {
        let r = p("Port 465 (configurable)");
        assert_eq!(
            r,
            vec![(vec![], 465, 465, String::new(), true, false, vec![])]
        );
        let r = p("Port 587 (configurable in Unified CCX Administration)");
        assert_eq!(r[0].1, 587);
        assert!(r[0].4);
        assert_eq!(r[0].3, "configurable in Unified CCX Administration");
        let r = p("Port 7443 is used for secure BOSH connections to the XMPP eventing server.");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].1, 7443);
        assert_eq!(p("8442")[0].1, 8442);
        assert_eq!(p("25")[0].1, 25);
    }

    #[test]
    fn sides_and_footnotes() {
        let r = p("Side A: TCP 42027 ¹ Side B: TCP 43027 ¹");
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0],
            (
                vec![Tcp],
                42027,
                42027,
                "Side A".into(),
                false,
                false,
                vec!["1".into()]
            )
        );
        assert_eq!(
            r[1],
            (
                vec![Tcp],
                43027,
                43027,
                "Side B".into(),
                false,
                false,
                vec!["1".into()]
            )
        );
        let r = p("A 側 : TCP 42027 ¹ B 側 : TCP 43027 ¹");
        assert_eq!(r[0].3, "A 側");
        assert_eq!(r[1].3, "B 側");
        assert_eq!(r[1].1, 43027);
        // PDF text dumps put the mark after a space: it is not port 1 and not port 14331
        let r = p("TCP 1433 1");
        assert_eq!(
            r,
            vec![(
                vec![Tcp],
                1433,
                1433,
                String::new(),
                false,
                false,
                vec!["1".into()]
            )]
        );
        let r = p("TCP 1433¹");
        assert_eq!(r[0].1, 1433);
        let r = p("Side A: TCP 42027 1 Side B: TCP 43027 1");
        assert_eq!(
            r.iter().map(|x| x.1).collect::<Vec<_>>(),
            vec![42027, 43027]
        );
        let r = p("1024-65535 \\*");
        assert_eq!(
            r,
            vec![(
                vec![],
                1024,
                65535,
                String::new(),
                false,
                false,
                vec!["*".into()]
            )]
        );
    }

    #[test]
    fn ranges() {
        let r = p("TCP 23000 - 28000 (First available)");
        assert_eq!(
            r,
            vec![(
                vec![Tcp],
                23000,
                28000,
                "First available".into(),
                false,
                false,
                vec![]
            )]
        );
        assert_eq!(p("57501-65535")[0].2, 65535);
        assert_eq!(p("UDP 5000〜5010")[0].2, 5010);
        assert_eq!(p("ports 6000 to 6010")[0].2, 6010);
        assert!(matches!(
            parse_port_cell("9000-8000"),
            CellParse::Invalid(_)
        ));
        assert!(matches!(parse_port_cell("70000"), CellParse::Invalid(_)));
    }

    #[test]
    fn port_first_cells() {
        let r = p("443/TCP (HTTPS)");
        assert_eq!(
            r,
            vec![(vec![Tcp], 443, 443, "HTTPS".into(), false, false, vec![])]
        );
        let r = p("143/TCP (IMAP), 993/TCP (secure IMAP)");
        assert_eq!(r[0].3, "IMAP");
        assert_eq!(r[1].3, "secure IMAP");
        assert_eq!(r[1].1, 993);
        let r = p("53/UDP,53/TCP (DNS)");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, vec![Udp]);
        assert_eq!(r[1].0, vec![Tcp]);
        assert!(r.iter().all(|x| x.3 == "DNS"));
        let r = p("67/68");
        assert_eq!(r.iter().map(|x| x.1).collect::<Vec<_>>(), vec![67, 68]);
        let r = p("TCP 8443 Note: Port 9443 replaces it when FIPS mode is on.");
        assert_eq!(r.len(), 1);
        let r = p("Metrics (9100)");
        assert_eq!(
            r,
            vec![(vec![], 9100, 9100, "Metrics".into(), false, false, vec![])]
        );
        let r = p("SSH (22)");
        assert_eq!(
            r,
            vec![(vec![Tcp], 22, 22, String::new(), false, false, vec![])]
        );
        let r = p("HTTPS (443)");
        assert_eq!(
            r,
            vec![(vec![Tcp], 443, 443, String::new(), false, false, vec![])]
        );
        let r = p("53 (TCP/UDP)");
        assert_eq!(
            r,
            vec![(vec![Tcp, Udp], 53, 53, String::new(), false, false, vec![])]
        );
        let r = p("443 (HTTPS)");
        assert_eq!(
            r,
            vec![(vec![Tcp], 443, 443, "HTTPS".into(), false, false, vec![])]
        );
        let r = p("UDP/TCP 5060");
        assert_eq!(r[0].0, vec![Tcp, Udp]);
        assert_eq!(p("TLS 5061")[0].0, vec![Tcp]);
    }

    #[test]
    fn digit_grouping_and_transport_lists() {
        let ranges = |raw: &str| -> Vec<(u16, u16)> { p(raw).iter().map(|f| (f.1, f.2)).collect() };
        assert_eq!(ranges("50 000-59 999"), vec![(50000, 59999)]);
        assert_eq!(ranges("20,000-60,000"), vec![(20000, 60000)]);
        assert_eq!(ranges("49.152"), vec![(49152, 49152)]);
        assert_eq!(
            ranges("3478-3481 und 49 152 – 53 247"),
            vec![(3478, 3481), (49152, 53247)]
        );
        assert_eq!(ranges("TCP 80, 443"), vec![(80, 80), (443, 443)]);
        let t = |raw: &str| -> Vec<(u16, Vec<Transport>)> {
            p(raw).into_iter().map(|f| (f.1, f.0)).collect()
        };
        assert_eq!(
            t("SIP over TCP, SIP over UDP 5060"),
            vec![(5060, vec![Tcp, Udp])]
        );
        assert_eq!(
            t("25/TCP (TLS), 389/TCP/UDP e 80/TCP"),
            vec![(25, vec![Tcp]), (389, vec![Tcp, Udp]), (80, vec![Tcp])]
        );
        assert_eq!(t("TCP 80, UDP 53"), vec![(80, vec![Tcp]), (53, vec![Udp])]);
    }

    #[test]
    fn deeply_nested_brackets_are_text_not_a_stack_overflow() {
        let cell = format!("{}443{}", "(".repeat(100_000), ")".repeat(100_000));
        let _ = parse_port_cell(&cell);
        let cell = format!("{}443{}", "[".repeat(100_000), "]".repeat(100_000));
        let _ = parse_port_cell(&cell);
        assert_eq!(p("HTTPS (443)").len(), 1);
    }

    #[test]
    fn a_cell_of_lines_gives_the_ports_of_its_port_lines() {
        let got = p("Version 2 (XMEM)\nUnencrypted: 8091, 8092\nEncrypted: 18091");
        let ports: Vec<u16> = got.iter().map(|f| f.1).collect();
        assert_eq!(ports, vec![8091, 8092, 18091]);
        // a cell that reads as one keeps reading as one
        assert_eq!(p("TCP\n80, 443").len(), 2);
    }

    #[test]
    fn not_ports() {
        assert_eq!(parse_port_cell("—"), CellParse::NoPort);
        assert_eq!(parse_port_cell(""), CellParse::NoPort);
        assert_eq!(parse_port_cell("任意"), CellParse::NoPort);
        assert_eq!(parse_port_cell("see comments"), CellParse::NoPort);
        assert_eq!(parse_port_cell("xxx"), CellParse::Placeholder);
        assert_eq!(parse_port_cell("?"), CellParse::Placeholder);
        assert_eq!(
            parse_port_cell("*.cca, *.wav, *.vox, *.vox8"),
            CellParse::NotPort
        );
        assert_eq!(parse_port_cell("TLS 1.2"), CellParse::NotPort);
        assert_eq!(
            parse_port_cell(
                "In Cisco Finesse Release 12.5(1) and later, BOSH notifications over 8445 port"
            ),
            CellParse::NotPort
        );
        assert_eq!(
            parse_port_cell("指定メディア ポート範囲"),
            CellParse::NotPort
        );
        assert_eq!(
            parse_port_cell("1 The ports listed are the default ports for these connections."),
            CellParse::NotPort
        );
    }
}
