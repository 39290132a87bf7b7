//! Language words as data: `vocab/vocab.toml` is compiled into the binary and parsed once.
//! Nothing else in portolan spells a header, direction, transport or footnote word.

use crate::normalize::{is_cjk, is_whole_words, key};
use aho_corasick::AhoCorasick;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use std::sync::{LazyLock, OnceLock};

const VOCAB_TOML: &str = include_str!("vocab/vocab.toml");

/// Per-language phrase lists, e.g. `{ en = [...], ja = [...] }`.
type PerLang = BTreeMap<String, Vec<String>>;

#[derive(Debug, Deserialize)]
struct RawHeaderRule {
    role: String,
    #[serde(flatten)]
    words: PerLang,
}

#[derive(Debug, Deserialize)]
struct RawVocab {
    languages: BTreeMap<String, String>,
    header_rules: Vec<RawHeaderRule>,
    direction: BTreeMap<String, PerLang>,
    transport: BTreeMap<String, Vec<String>>,
    side_labels: PerLang,
    footnotes: BTreeMap<String, PerLang>,
    port_cell: BTreeMap<String, PerLang>,
    blocks: BTreeMap<String, PerLang>,
    prose: BTreeMap<String, PerLang>,
    parties: BTreeMap<String, PerLang>,
    flow: BTreeMap<String, PerLang>,
    scripts: BTreeMap<String, String>,
    #[serde(default)]
    vendors: Vec<String>,
}

#[cfg(test)]
impl RawVocab {
    /// Every per-language entry, named, for the check that each one covers every language.
    fn entries(&self) -> Vec<(String, &PerLang)> {
        let mut out: Vec<(String, &PerLang)> = Vec::new();
        for (i, r) in self.header_rules.iter().enumerate() {
            out.push((format!("header_rules[{i}] ({})", r.role), &r.words));
        }
        out.push(("side_labels".into(), &self.side_labels));
        for (group, m) in [
            ("direction", &self.direction),
            ("footnotes", &self.footnotes),
            ("port_cell", &self.port_cell),
            ("blocks", &self.blocks),
            ("prose", &self.prose),
            ("parties", &self.parties),
            ("flow", &self.flow),
        ] {
            for (name, p) in m {
                out.push((format!("{group}.{name}"), p));
            }
        }
        out
    }
}

/// A list of phrases (already matching keys) from every language. Matching runs one
/// Aho-Corasick automaton over the text, whatever the number of phrases: spaced-script phrases
/// as whole words, CJK phrases as substrings of the text with its spaces taken out.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    /// Longest first (callers that strip a phrase strip the longest one).
    phrases: Vec<String>,
    /// Spaced-script phrases, and whether each has a letter or digit; their automaton is
    /// built at the first match (a process uses a few of the vocabulary's lists, and building
    /// all of them was a quarter of a one-page PDF's time).
    spaced: OnceLock<Option<AhoCorasick>>,
    spaced_phrases: Vec<(String, bool)>,
    /// CJK phrases without their spaces (automaton built at the first match, too).
    cjk: OnceLock<Option<AhoCorasick>>,
    cjk_phrases: Vec<String>,
    cjk_wordy: Vec<bool>,
    /// Every phrase without its spaces, for exact matches.
    exact: HashSet<String>,
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn automaton<P: AsRef<[u8]>>(patterns: &[P]) -> Option<AhoCorasick> {
    if patterns.is_empty() {
        return None;
    }
    // a noncontiguous NFA: the DFA the default picks for a few hundred phrases took most of a
    // process's start-up to build (every PDF worker builds them), and the contiguous NFA made
    // from the noncontiguous one costs a fifth more to build and matches short keys no faster
    // (a one-page PDF's worker: 60.2 M instructions contiguous, 57.0 M not; a 70-page one:
    // 664.8 M and 659.7 M)
    Some(
        AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
            .build(patterns)
            .expect("vocabulary phrases build an automaton"),
    )
}

fn wordy(p: &str) -> bool {
    p.chars().any(char::is_alphanumeric)
}

impl Phrases {
    fn from_lang(p: &PerLang) -> Self {
        let mut v: Vec<String> = p.values().flatten().map(|s| key(s)).collect();
        v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        v.dedup();
        let (cjk, spaced): (Vec<String>, Vec<String>) =
            v.iter().cloned().partition(|p| p.chars().any(is_cjk));
        let cjk: Vec<String> = cjk.iter().map(|p| compact(p)).collect();
        Phrases {
            spaced: OnceLock::new(),
            spaced_phrases: spaced.iter().map(|p| (p.clone(), wordy(p))).collect(),
            cjk_wordy: cjk.iter().map(|p| wordy(p)).collect(),
            cjk: OnceLock::new(),
            cjk_phrases: cjk,
            exact: v.iter().map(|p| compact(p)).collect(),
            phrases: v,
        }
    }
    /// True when the key `k` contains one of the phrases.
    pub fn found_in(&self, k: &str) -> bool {
        self.matches(k, false)
    }

    fn matches(&self, k: &str, words_only: bool) -> bool {
        let spaced = self.spaced.get_or_init(|| {
            let patterns: Vec<&str> = self
                .spaced_phrases
                .iter()
                .map(|(p, _)| p.as_str())
                .collect();
            automaton(&patterns)
        });
        if let Some(ac) = spaced {
            for m in ac.find_overlapping_iter(k) {
                let (p, is_wordy) = &self.spaced_phrases[m.pattern().as_usize()];
                if words_only && !is_wordy {
                    continue;
                }
                if is_whole_words(k, m.start(), m.end(), p) {
                    return true;
                }
            }
        }
        if let Some(ac) = self.cjk.get_or_init(|| automaton(&self.cjk_phrases)) {
            let ck = compact(k);
            for m in ac.find_overlapping_iter(&ck) {
                if !words_only || self.cjk_wordy[m.pattern().as_usize()] {
                    return true;
                }
            }
        }
        false
    }
    /// Like [`Phrases::found_in`], for the phrases that have a letter or digit: a dash alone
    /// is a whole cell's word, never a part of a longer text ("CTI-Server").
    pub fn word_found_in(&self, k: &str) -> bool {
        self.matches(k, true)
    }

    /// True when the key `k` is exactly one of the phrases (spaces ignored).
    pub fn is(&self, k: &str) -> bool {
        self.exact.contains(&compact(k))
    }
    pub fn iter(&self) -> impl Iterator<Item = &String> {
        self.phrases.iter()
    }
}

/// The role a table column plays, found from its header text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Listener,
    /// A port the documented component listens on ("Listener Protocol and Port").
    LocalPort,
    /// A port on the remote device ("Remote Port").
    RemotePort,
    /// A port whose side follows from the direction ("Port", "Destination Port").
    Port,
    Remote,
    /// The transport of every port column ("Protocol", "Transport").
    Transport,
    /// The transport of the local port column only ("Listener Protocol").
    LocalTransport,
    /// The transport of the remote port column only ("Remote Protocol").
    RemoteTransport,
    Direction,
    Notes,
    /// "Purpose": the listener when the table has no listener column, else notes.
    Purpose,
    /// The host/server role: the listener when nothing better names it.
    Host,
    /// The party a connection comes from ("Source", "From", "送信元").
    Source,
    /// The party a connection goes to, which owns its port ("Destination", "To", "送信先").
    Destination,
    /// The last port of a range whose first port stands in the port column ("End port").
    PortEnd,
    /// A column known to be about something else (source ports, IP addresses, file patterns).
    Ignore,
}

impl Role {
    fn parse(s: &str) -> Role {
        match s {
            "listener" => Role::Listener,
            "local_port" => Role::LocalPort,
            "remote_port" => Role::RemotePort,
            "port" => Role::Port,
            "remote" => Role::Remote,
            "transport" => Role::Transport,
            "local_transport" => Role::LocalTransport,
            "remote_transport" => Role::RemoteTransport,
            "direction" => Role::Direction,
            "notes" => Role::Notes,
            "purpose" => Role::Purpose,
            "host" => Role::Host,
            "ignore" => Role::Ignore,
            "port_end" => Role::PortEnd,
            "source" => Role::Source,
            "destination" => Role::Destination,
            other => panic!("vocab.toml: unknown header role {other}"),
        }
    }
    pub fn is_port(self) -> bool {
        matches!(self, Role::LocalPort | Role::RemotePort | Role::Port)
    }
    pub fn is_transport(self) -> bool {
        matches!(
            self,
            Role::Transport | Role::LocalTransport | Role::RemoteTransport
        )
    }
}

/// Canonical traffic direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Inbound,
    Outbound,
    Bidirectional,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Bidirectional => "bidirectional",
        }
    }
}

/// Canonical transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transport {
    Tcp,
    Udp,
    Sctp,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
            Transport::Sctp => "sctp",
        }
    }
}

pub struct Vocab {
    /// BCP 47 tag -> language name, in the file's order of keys (sorted).
    pub languages: BTreeMap<String, String>,
    /// Han characters only Simplified (`hans`) or only Traditional (`hant`) Chinese writes.
    pub hans_chars: Vec<char>,
    pub hant_chars: Vec<char>,
    header_rules: Vec<(Role, Phrases)>,
    bidirectional: Phrases,
    inbound: Phrases,
    outbound: Phrases,
    transport_words: BTreeMap<String, Transport>,
    explicit_transports: Vec<String>,
    pub side_labels: Phrases,
    pub footnote_default: Phrases,
    pub footnote_configurable: Phrases,
    pub port_words: Phrases,
    pub flag_configurable: Phrases,
    pub flag_default: Phrases,
    pub no_port: Phrases,
    pub not_applicable: Phrases,
    /// Parties outside the documented product (the Internet, any host, a cloud service).
    pub outside_parties: Phrases,
    pub see_notes: Phrases,
    pub placeholder: Phrases,
    pub range_words: Phrases,
    pub range_prefixes: Phrases,
    pub range_between: Phrases,
    pub list_words: Phrases,
    pub note_markers: Phrases,
    pub caption_prefixes: Phrases,
    pub release_words: Phrases,
    /// Vendor names, as written (`vendors` in vocab.toml).
    pub vendors: Vec<String>,
    pub page_words: Phrases,
    pub prose_port_words: Phrases,
    pub prose_number_words: Phrases,
    /// Words between a port word and a range ("ports in the range 16384 - 32768").
    pub prose_range_intro: Phrases,
    pub prose_boilerplate: Phrases,
    pub prose_negation: Phrases,
    /// "for", "pour", "für": what a port in running text is for names its listener.
    pub prose_purpose_words: Phrases,
    /// Purposes that name no listener ("for connections", "for communication").
    pub prose_generic_purposes: Phrases,
    /// A list intro that says its items are refused traffic ("The following traffic is dropped:").
    pub prose_refused: Phrases,
    /// Words of a paragraph that introduces the table after it ("The following table ...").
    pub prose_table_intro: Phrases,
    /// Connection phrases (`flow.*`): single words as matching keys.
    pub flow_connection: HashSet<String>,
    pub flow_from: HashSet<String>,
    pub flow_to: HashSet<String>,
    /// Verbs that say the row's component listens ("listens for", "lauscht").
    pub flow_listen: Phrases,
}

/// Single words of every language, as keys.
fn words(p: &PerLang) -> HashSet<String> {
    p.values().flatten().map(|w| key(w)).collect()
}

fn section<'a>(m: &'a BTreeMap<String, PerLang>, name: &str) -> &'a PerLang {
    m.get(name)
        .unwrap_or_else(|| panic!("vocab.toml: missing entry {name}"))
}

impl Vocab {
    fn load() -> Vocab {
        let raw: RawVocab = toml::from_str(VOCAB_TOML).expect("vocab.toml is valid");
        let header_rules = raw
            .header_rules
            .iter()
            .map(|r| (Role::parse(&r.role), Phrases::from_lang(&r.words)))
            .collect();
        let mut transport_words = BTreeMap::new();
        for (name, t) in [
            ("tcp", Transport::Tcp),
            ("udp", Transport::Udp),
            ("sctp", Transport::Sctp),
        ] {
            for w in raw.transport.get(name).into_iter().flatten() {
                transport_words.insert(key(w), t);
            }
        }
        let explicit_transports = raw.transport.get("explicit").cloned().unwrap_or_default();
        let d = &raw.direction;
        let chars = |name: &str| -> Vec<char> {
            let mut v: Vec<char> = raw
                .scripts
                .get(name)
                .map(|s| s.chars().collect())
                .unwrap_or_default();
            v.sort_unstable();
            v.dedup();
            v
        };
        Vocab {
            languages: raw.languages.clone(),
            hans_chars: chars("hans"),
            hant_chars: chars("hant"),
            header_rules,
            bidirectional: Phrases::from_lang(section(d, "bidirectional")),
            inbound: Phrases::from_lang(section(d, "inbound")),
            outbound: Phrases::from_lang(section(d, "outbound")),
            transport_words,
            explicit_transports,
            side_labels: Phrases::from_lang(&raw.side_labels),
            footnote_default: Phrases::from_lang(section(&raw.footnotes, "default_port")),
            footnote_configurable: Phrases::from_lang(section(&raw.footnotes, "configurable")),
            port_words: Phrases::from_lang(section(&raw.port_cell, "port_words")),
            flag_configurable: Phrases::from_lang(section(&raw.port_cell, "flag_configurable")),
            flag_default: Phrases::from_lang(section(&raw.port_cell, "flag_default")),
            no_port: Phrases::from_lang(section(&raw.port_cell, "no_port")),
            not_applicable: Phrases::from_lang(section(&raw.port_cell, "not_applicable")),
            see_notes: Phrases::from_lang(section(&raw.port_cell, "see_notes")),
            outside_parties: Phrases::from_lang(section(&raw.parties, "outside")),
            placeholder: Phrases::from_lang(section(&raw.port_cell, "placeholder")),
            range_words: Phrases::from_lang(section(&raw.port_cell, "range_words")),
            range_prefixes: Phrases::from_lang(section(&raw.port_cell, "range_prefixes")),
            range_between: Phrases::from_lang(section(&raw.port_cell, "range_between")),
            list_words: Phrases::from_lang(section(&raw.port_cell, "list_words")),
            note_markers: Phrases::from_lang(section(&raw.blocks, "note_markers")),
            caption_prefixes: Phrases::from_lang(section(&raw.blocks, "caption_prefixes")),
            release_words: Phrases::from_lang(section(&raw.blocks, "release_words")),
            vendors: raw.vendors.clone(),
            page_words: Phrases::from_lang(section(&raw.blocks, "page_words")),
            prose_port_words: Phrases::from_lang(section(&raw.prose, "port_words")),
            prose_number_words: Phrases::from_lang(section(&raw.prose, "number_words")),
            prose_range_intro: Phrases::from_lang(section(&raw.prose, "range_intro")),
            prose_boilerplate: Phrases::from_lang(section(&raw.prose, "boilerplate")),
            prose_negation: Phrases::from_lang(section(&raw.prose, "negation")),
            prose_purpose_words: Phrases::from_lang(section(&raw.prose, "purpose_words")),
            prose_generic_purposes: Phrases::from_lang(section(&raw.prose, "generic_purposes")),
            prose_refused: Phrases::from_lang(section(&raw.prose, "refused")),
            prose_table_intro: Phrases::from_lang(section(&raw.prose, "table_intro")),
            flow_connection: words(section(&raw.flow, "connection")),
            flow_from: words(section(&raw.flow, "from")),
            flow_to: words(section(&raw.flow, "to")),
            flow_listen: Phrases::from_lang(section(&raw.flow, "listen")),
        }
    }

    /// The role of a header cell, if any rule knows it. The same headers come back in every
    /// table of every document of a vendor, so answers are remembered (a few thousand at most).
    pub fn header_role(&self, header: &str) -> Option<Role> {
        static SEEN: LazyLock<Mutex<HashMap<String, Option<Role>>>> =
            LazyLock::new(|| Mutex::new(HashMap::new()));
        let seen = || SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = seen().get(header) {
            return *r;
        }
        let r = self.header_role_uncached(header);
        let mut m = seen();
        if m.len() >= 4096 {
            m.clear();
        }
        m.insert(header.to_string(), r);
        r
    }

    fn header_role_uncached(&self, header: &str) -> Option<Role> {
        let k = key(&header.replace("**", ""));
        // a long cell is a sentence, not a column header
        if k.is_empty() || k.chars().count() > 60 {
            return None;
        }
        self.header_rules
            .iter()
            .find(|(_, p)| p.found_in(&k))
            .map(|(r, _)| *r)
    }

    /// The direction a cell states, if any. A cell that names both ways is bidirectional.
    pub fn direction(&self, text: &str) -> Option<Direction> {
        let k = key(text);
        if self.bidirectional.found_in(&k) {
            return Some(Direction::Bidirectional);
        }
        let i = self.inbound.found_in(&k);
        let o = self.outbound.found_in(&k);
        match (i, o) {
            (true, true) => Some(Direction::Bidirectional),
            (true, false) => Some(Direction::Inbound),
            (false, true) => Some(Direction::Outbound),
            (false, false) => None,
        }
    }

    /// The direction of a cell that *starts* with a direction word ("Outward, from X to Y").
    pub fn leading_direction(&self, text: &str) -> Option<Direction> {
        let k = key(text);
        let first: Vec<&str> = k.split_whitespace().take(4).collect();
        self.direction(&first.join(" ").replace([',', '.', ';', ':'], " "))
    }

    /// A transport word as a whole token ("tcp", "https" -> tcp), if known.
    pub fn transport_word(&self, token: &str) -> Option<Transport> {
        self.transport_words.get(lowercase(token).as_ref()).copied()
    }

    /// True for the words that name a transport by itself (tcp, udp, sctp).
    pub fn is_explicit_transport(&self, token: &str) -> bool {
        let t = lowercase(token);
        self.explicit_transports.iter().any(|e| *e == t)
    }

    /// Transports named explicitly (TCP, UDP, SCTP) anywhere in a text.
    pub fn explicit_transports_in(&self, text: &str) -> Vec<Transport> {
        let k = key(text);
        let mut v: Vec<Transport> = k
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|t| self.is_explicit_transport(t))
            .filter_map(|t| self.transport_word(t))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Transports a Transport/Protocol cell names: explicit ones (TCP, UDP, SCTP) win; otherwise
    /// application protocols that imply one (HTTPS -> tcp). Canonical order, no duplicates.
    pub fn transports_in(&self, text: &str) -> Vec<Transport> {
        let k = key(text);
        let tokens: Vec<&str> = k
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        let mut explicit: Vec<Transport> = tokens
            .iter()
            .filter(|t| self.is_explicit_transport(t))
            .filter_map(|t| self.transport_word(t))
            .collect();
        if explicit.is_empty() {
            explicit = tokens
                .iter()
                .filter_map(|t| self.transport_word(t))
                .collect();
        }
        explicit.sort();
        explicit.dedup();
        explicit
    }
}

pub static VOCAB: LazyLock<Vocab> = LazyLock::new(Vocab::load);

pub fn vocab() -> &'static Vocab {
    &VOCAB
}

/// A token in lower case, borrowed when it already is (keys are, and most tokens are keys).
fn lowercase(token: &str) -> std::borrow::Cow<'_, str> {
    if token
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        std::borrow::Cow::Owned(token.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_roles_english() {
        let v = vocab();
        assert_eq!(
            v.header_role("Listener (Process or Application Protocol)"),
            Some(Role::Listener)
        );
        assert_eq!(
            v.header_role("Listener Protocol and Port"),
            Some(Role::LocalPort)
        );
        assert_eq!(
            v.header_role("Remote Device (Process or Application Protocol)"),
            Some(Role::Remote)
        );
        assert_eq!(v.header_role("Remote  Port"), Some(Role::RemotePort));
        assert_eq!(
            v.header_role("Remote Protocol and Port"),
            Some(Role::RemotePort)
        );
        assert_eq!(v.header_role("Traffic Direction"), Some(Role::Direction));
        assert_eq!(v.header_role("Transport"), Some(Role::Transport));
        assert_eq!(
            v.header_role("Remote Protocol"),
            Some(Role::RemoteTransport)
        );
        assert_eq!(
            v.header_role("Remote Device (Process or Application Protocol)"),
            Some(Role::Remote)
        );
        assert_eq!(v.header_role("Local Protocol"), Some(Role::LocalTransport));
        assert_eq!(v.header_role("Port"), Some(Role::Port));
        assert_eq!(v.header_role("Ports"), Some(Role::Port));
        assert_eq!(v.header_role("Destination Port"), Some(Role::Port));
        assert_eq!(v.header_role("Purpose"), Some(Role::Purpose));
        assert_eq!(v.header_role("Description"), Some(Role::Notes));
        assert_eq!(
            v.header_role("File, Extension, or TCP/IP Port"),
            Some(Role::Ignore)
        );
        assert_eq!(v.header_role("Compatibility"), None);
    }

    #[test]
    fn header_roles_japanese() {
        let v = vocab();
        assert_eq!(
            v.header_role("リスナー（プロセスまたはアプリケーション プロトコル）"),
            Some(Role::Listener)
        );
        assert_eq!(
            v.header_role("リスナー プロトコルおよびポート"),
            Some(Role::LocalPort)
        );
        assert_eq!(
            v.header_role("リモートデバイス（プロセスまたはアプリケーションプロトコル）"),
            Some(Role::Remote)
        );
        assert_eq!(
            v.header_role("リモート プロトコルおよびポート"),
            Some(Role::RemotePort)
        );
        assert_eq!(v.header_role("トラフィックの方向"), Some(Role::Direction));
        assert_eq!(v.header_role("注記"), Some(Role::Notes));
        assert_eq!(v.header_role("**ポート**"), Some(Role::Port));
        assert_eq!(v.header_role("プロトコル"), Some(Role::Transport));
        assert_eq!(v.header_role("サービス名"), Some(Role::Listener));
        assert_eq!(v.header_role("サーバーの役割"), Some(Role::Host));
        assert_eq!(v.header_role("送信元ポート"), Some(Role::Ignore));
        assert_eq!(v.header_role("ポート範囲"), Some(Role::Port));
        assert_eq!(v.header_role("通信の向き"), Some(Role::Direction));
    }

    /// A new language is a data edit: every entry of vocab.toml names every language.
    #[test]
    fn every_entry_names_every_language() {
        let raw: RawVocab = toml::from_str(VOCAB_TOML).unwrap();
        assert!(raw.languages.len() >= 11);
        let mut missing = Vec::new();
        for (name, p) in raw.entries() {
            for lang in raw.languages.keys() {
                if !p.contains_key(lang) {
                    missing.push(format!("{name}: {lang}"));
                }
            }
            for lang in p.keys() {
                if !raw.languages.contains_key(lang) {
                    missing.push(format!("{name}: unknown language {lang}"));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
        let v = vocab();
        assert!(!v.hans_chars.is_empty() && !v.hant_chars.is_empty());
        assert!(
            v.hans_chars.iter().all(|c| !v.hant_chars.contains(c)),
            "a character cannot be only Simplified and only Traditional"
        );
    }

    #[test]
    fn cjk_phrases_ignore_spaces() {
        let v = vocab();
        assert!(v.side_labels.found_in(&key("A 側 : TCP 42027")));
        assert!(v.not_applicable.is(&key("該当 なし")));
    }

    #[test]
    fn direction_vocabulary() {
        let v = vocab();
        assert_eq!(v.direction("Bidirectional"), Some(Direction::Bidirectional));
        assert_eq!(
            v.direction("Bi-directional"),
            Some(Direction::Bidirectional)
        );
        assert_eq!(
            v.direction("Inbound & Outbound"),
            Some(Direction::Bidirectional)
        );
        assert_eq!(v.direction("双方向"), Some(Direction::Bidirectional));
        assert_eq!(v.direction("Inbound"), Some(Direction::Inbound));
        assert_eq!(v.direction("Outbound"), Some(Direction::Outbound));
        assert_eq!(
            v.direction(
                "Outward, from Customer Collaboration Platform to the configured email server."
            ),
            Some(Direction::Outbound)
        );
        assert_eq!(
            v.leading_direction("Unidirectional, Inward from the Internet to Cisco server."),
            Some(Direction::Inbound)
        );
        assert_eq!(
            v.leading_direction("Inward, from CCX to the Customer Collaboration Platform server."),
            Some(Direction::Inbound)
        );
        assert_eq!(v.direction("着信"), Some(Direction::Inbound));
        assert_eq!(v.direction("発信"), Some(Direction::Outbound));
        assert_eq!(v.leading_direction("Used for secure (HTTPS) traffic"), None);
        assert_eq!(v.direction("Browser"), None);
    }

    #[test]
    fn transport_cells() {
        let v = vocab();
        assert_eq!(
            v.transports_in("UDP/TCP"),
            vec![Transport::Tcp, Transport::Udp]
        );
        assert_eq!(v.transports_in("HTTPS"), vec![Transport::Tcp]);
        assert_eq!(v.transports_in("HTTPS <br/> TCP"), vec![Transport::Tcp]);
        assert_eq!(v.transports_in("TCP (TLS)"), vec![Transport::Tcp]);
        assert_eq!(
            v.transports_in("UDP および TCP"),
            vec![Transport::Tcp, Transport::Udp]
        );
        assert_eq!(v.transports_in("DHCP"), vec![Transport::Udp]);
        assert!(v
            .transports_in("DCOM およびリモート プロシージャ コール (RPC)")
            .is_empty());
    }
}
