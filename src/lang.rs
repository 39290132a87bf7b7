//! The language of a document, and of a table that is in another language than its document.
//!
//! Order of evidence: metadata (front matter, sidecar, `<html lang>`, PDF `/Lang`), then a
//! language code in the path (`_ja-JP`, `/ja-jp/`, `content/ko/docs`), then the script of the
//! text, then lingua. Script is decisive where it can be: kana means Japanese, Hangul Korean,
//! Han without kana Chinese (Simplified or Traditional by the characters only one of them
//! writes), Cyrillic Russian. Only the Latin-script languages need a statistical model, so
//! lingua is built with those six alone (Cargo.toml): short cells are never detected on their
//! own ("Bidirectional" comes back as Esperanto from a full model); records inherit the
//! language of their table, and a table that of its document unless its script says otherwise.

use crate::normalize::{letter_script, Letter};
use crate::vocab::vocab;
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use std::sync::LazyLock;

/// The Latin-script languages, told apart by lingua.
const LATIN: [(&str, Language); 6] = [
    ("en", Language::English),
    ("fr", Language::French),
    ("de", Language::German),
    ("es", Language::Spanish),
    ("pt", Language::Portuguese),
    ("it", Language::Italian),
];

/// Function words of each language of [`LATIN`] that the others do not share (no "que", "la",
/// "una", "del", "e", "do", "son", "porta"), lowercase.
const FUNCTION_WORDS: [(&str, &[&str]); 6] = [
    (
        "en",
        &[
            "the", "and", "of", "to", "for", "with", "that", "this", "from", "is", "are", "by",
            "which", "or",
        ],
    ),
    (
        "fr",
        &[
            "le", "les", "des", "et", "est", "pour", "du", "dans", "sur", "avec", "une", "aux",
            "qui", "sont",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "für", "mit", "den", "von", "nicht", "auf", "eine",
            "wird", "werden",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "por", "al", "como", "puerto", "puertos",
        ],
    ),
    (
        "pt",
        &[
            "os", "dos", "das", "não", "em", "uma", "ao", "na", "é", "são", "portas",
        ],
    ),
    (
        "it",
        &[
            "il", "gli", "della", "di", "che", "per", "sono", "non", "è", "dei", "nel", "alla",
            "delle", "porte",
        ],
    ),
];

/// The language of a Latin-script sample by its function words, when one language clearly has
/// the most ([`crate::tuning::FUNCTION_WORDS_MIN`], [`crate::tuning::FUNCTION_WORDS_MARGIN`]).
fn by_function_words(sample: &str) -> Option<&'static str> {
    let mut hits = [0usize; FUNCTION_WORDS.len()];
    for w in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty() && w.len() <= 8)
    {
        let w = w.to_lowercase();
        for (i, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
            if words.contains(&w.as_str()) {
                hits[i] += 1;
            }
        }
    }
    let best = (0..hits.len()).max_by_key(|&i| (hits[i], std::cmp::Reverse(i)))?;
    let second = (0..hits.len())
        .filter(|&i| i != best)
        .map(|i| hits[i])
        .max()
        .unwrap_or(0);
    (hits[best] >= crate::tuning::FUNCTION_WORDS_MIN
        && hits[best] >= crate::tuning::FUNCTION_WORDS_MARGIN * second.max(1))
    .then_some(FUNCTION_WORDS[best].0)
}

static DETECTOR: LazyLock<LanguageDetector> =
    LazyLock::new(|| LanguageDetectorBuilder::from_languages(&LATIN.map(|(_, l)| l)).build());

/// The writing system a language (or a text) is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Japanese,
    Korean,
    Han,
    Cyrillic,
}

/// The script a language tag is written in.
pub fn script_of(tag: &str) -> Option<Script> {
    match tag {
        "ja" => Some(Script::Japanese),
        "ko" => Some(Script::Korean),
        "ru" => Some(Script::Cyrillic),
        t if t.starts_with("zh") => Some(Script::Han),
        "" => None,
        _ => Some(Script::Latin),
    }
}

/// A language tag as records carry it: the BCP 47 primary subtag, lower case, except Chinese,
/// which keeps its script (`zh-CN` and `zh-Hans` give `zh-Hans`; `zh-TW`, `zh-HK` and `zh-Hant`
/// give `zh-Hant`; a bare `zh` stays `zh` until the text decides).
pub fn canonical_tag(tag: &str) -> String {
    let parts: Vec<String> = tag
        .trim()
        .split(['-', '_'])
        .map(|p| p.to_ascii_lowercase())
        .collect();
    let primary = parts.first().cloned().unwrap_or_default();
    if primary != "zh" {
        return primary;
    }
    let rest: Vec<&str> = parts[1..].iter().map(String::as_str).collect();
    if rest
        .iter()
        .any(|p| matches!(*p, "hant" | "tw" | "hk" | "mo"))
    {
        "zh-Hant".into()
    } else if rest
        .iter()
        .any(|p| matches!(*p, "hans" | "cn" | "sg" | "my"))
    {
        "zh-Hans".into()
    } else {
        "zh".into()
    }
}

/// True for a tag of a language the vocabulary has (after [`canonical_tag`]).
fn supported(tag: &str) -> bool {
    tag == "zh" || vocab().languages.contains_key(tag)
}

/// A supported language code that the path carries as a part of its own: a file name part
/// (`x_ja-JP_2022.md`, `ports.fr.md`) or a folder (`ja-jp/`, `content/ko/docs/`).
pub fn from_path(path: &str) -> Option<String> {
    let lower = path.replace('\\', "/");
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    // the file name first, then the folders from the nearest
    let candidates = stem
        .split(['_', '.', ' '])
        .chain(parts.iter().rev().copied());
    for p in candidates {
        let sub: Vec<&str> = p.split('-').collect();
        let rest_ok = sub[1..]
            .iter()
            .all(|r| (r.len() == 2 || r.len() == 4) && r.chars().all(|c| c.is_ascii_alphabetic()));
        let primary_ok = sub[0].len() == 2 && sub[0].chars().all(|c| c.is_ascii_alphabetic());
        if primary_ok && rest_ok && sub.len() <= 3 {
            let tag = canonical_tag(p);
            if supported(&tag) {
                return Some(tag);
            }
        }
    }
    None
}

/// Letters of each script in a text.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    latin: usize,
    kana: usize,
    hangul: usize,
    han: usize,
    cyrillic: usize,
    hans: usize,
    hant: usize,
}

fn counts(text: &str) -> Counts {
    let v = vocab();
    let mut c = Counts::default();
    for ch in text.chars() {
        match letter_script(ch) {
            Some(Letter::Latin) => c.latin += 1,
            Some(Letter::Kana) => c.kana += 1,
            Some(Letter::Hangul) => c.hangul += 1,
            Some(Letter::Han) => {
                c.han += 1;
                if v.hans_chars.binary_search(&ch).is_ok() {
                    c.hans += 1;
                } else if v.hant_chars.binary_search(&ch).is_ok() {
                    c.hant += 1;
                }
            }
            Some(Letter::Cyrillic) => c.cyrillic += 1,
            None => {}
        }
    }
    c
}

/// The script a text is in, by its letters: protocol names are Latin in every language, so a
/// non-Latin script wins once it is more than a trace.
fn script_in(c: &Counts) -> Option<Script> {
    let letters = c.latin + c.kana + c.hangul + c.han + c.cyrillic;
    if letters == 0 {
        return None;
    }
    let enough = |n: usize| n >= 2 && n * 20 >= letters;
    if c.kana >= 2 && c.kana * 20 >= c.han && (enough(c.kana) || enough(c.kana + c.han)) {
        Some(Script::Japanese)
    } else if enough(c.hangul) && c.hangul >= c.han {
        Some(Script::Korean)
    } else if enough(c.han) {
        Some(Script::Han)
    } else if enough(c.cyrillic) {
        Some(Script::Cyrillic)
    } else if c.latin > 0 {
        Some(Script::Latin)
    } else {
        None
    }
}

/// Simplified or Traditional, by the characters only one of them writes (Simplified when the
/// text does not tell).
fn chinese(c: &Counts) -> &'static str {
    if c.hant > c.hans {
        "zh-Hant"
    } else {
        "zh-Hans"
    }
}

/// How much of a sample lingua reads: its time grows with the text, and a few KB of a page
/// tell its language as well as the whole page does.
const LINGUA_SAMPLE: usize = 3000;

fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Detects the language of a text sample (a document's or a table's): its script, then lingua
/// for Latin text. Empty when there are no letters.
pub fn detect(sample: &str) -> String {
    let c = counts(sample);
    match script_in(&c) {
        Some(Script::Japanese) => "ja".into(),
        Some(Script::Korean) => "ko".into(),
        Some(Script::Han) => chinese(&c).into(),
        Some(Script::Cyrillic) => "ru".into(),
        Some(Script::Latin) => match by_function_words(head(sample, LINGUA_SAMPLE)) {
            Some(t) => t.to_string(),
            None => latin_by_lingua(sample),
        },
        None => String::new(),
    }
}

fn latin_by_lingua(sample: &str) -> String {
    {
        DETECTOR
            .detect_language_of(head(sample, LINGUA_SAMPLE))
            .and_then(|l| {
                LATIN
                    .iter()
                    .find(|(_, x)| *x == l)
                    .map(|(t, _)| t.to_string())
            })
            .unwrap_or_else(|| "en".into())
    }
}

/// The script a text sample is written in, by its letters alone (no statistical model).
pub fn script_of_text(sample: &str) -> Option<Script> {
    script_in(&counts(sample))
}

/// A document tagged only `zh` gets its script from its text.
pub fn settle_chinese(tag: String, sample: &str) -> String {
    if tag == "zh" {
        chinese(&counts(sample)).into()
    } else {
        tag
    }
}

/// The language of a table whose text is in another script than its document's language (an
/// English table inside a Japanese page), or None when it is in the document's language.
/// Within one script (an English table in a French page) the document's language stands:
/// the vocabulary of every language is matched anyway, and a table's text is too short and
/// too full of protocol names for a statistical guess to beat the document's metadata.
pub fn table_language(doc_language: &str, sample: &str) -> Option<String> {
    let c = counts(sample);
    let script = script_in(&c)?;
    if Some(script) == script_of(doc_language) {
        return None;
    }
    let t = detect(sample);
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_script() {
        assert_eq!(
            from_path("corpus/20_msft-sfb2015-ports-protocols_ja-JP_2022.md").as_deref(),
            Some("ja")
        );
        assert_eq!(
            from_path("26_msft-exchange2016-2019-network-ports_en.md").as_deref(),
            Some("en")
        );
        assert_eq!(from_path("01_cisco-ucce-finesse_12.5.1.md"), None);
        assert_eq!(from_path("docs/zh-tw/ports.md").as_deref(), Some("zh-Hant"));
        assert_eq!(
            from_path("content/ko/docs/reference/ports.md").as_deref(),
            Some("ko")
        );
        assert_eq!(
            from_path("learn/pt-br/exchange/ports.html").as_deref(),
            Some("pt")
        );
        assert_eq!(from_path("guides/ports.de.md").as_deref(), Some("de"));
        assert_eq!(from_path("docs/setup/ports.md"), None);
        assert_eq!(canonical_tag("ja-JP"), "ja");
        assert_eq!(canonical_tag("zh-CN"), "zh-Hans");
        assert_eq!(canonical_tag("zh_TW"), "zh-Hant");
        assert_eq!(canonical_tag("zh-Hant-HK"), "zh-Hant");
        assert_eq!(canonical_tag("pt-BR"), "pt");
    }

    #[test]
    fn function_words_agree_with_lingua() {
        // every Latin-script text fixture that the function words decide, lingua decides alike
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut decided = 0;
        for dir in ["corpus-dev", "languages", "seeds", "corpus", "shapes"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                if script_of_text(&text) != Some(Script::Latin) {
                    continue;
                }
                if let Some(t) = by_function_words(head(&text, LINGUA_SAMPLE)) {
                    decided += 1;
                    assert_eq!(t, latin_by_lingua(&text), "{}", e.path().display());
                }
            }
        }
        assert!(
            decided >= 10,
            "{decided} fixtures decided by function words"
        );
        assert_eq!(
            by_function_words("Die Ports und der Dienst, die für den Server von der Firewall auf dem Host mit der Regel freigegeben werden und die nicht ist"),
            Some("de")
        );
        assert_eq!(by_function_words("TCP 443 HTTPS Inbound"), None);
    }

    #[test]
    fn scripts_decide_before_lingua() {
        assert_eq!(detect("リスナー プロトコルおよびポート"), "ja");
        assert_eq!(detect("表 1 : Cisco Finesse サーバー TCP 80"), "ja");
        assert_eq!(
            detect("侦听程序协议和端口 流量方向 双向 这个端口"),
            "zh-Hans"
        );
        assert_eq!(
            detect("接聽程式通訊協定和連接埠 流量方向 雙向 這個連接埠"),
            "zh-Hant"
        );
        assert_eq!(detect("리스너 프로토콜 및 포트 트래픽 방향 양방향"), "ko");
        assert_eq!(detect("Протокол и порт прослушивателя Направление"), "ru");
        assert_eq!(
            detect("The direction that traffic flows through the port"),
            "en"
        );
        assert_eq!(
            detect("Le port est utilisé par le serveur pour les connexions entrantes des clients"),
            "fr"
        );
        assert_eq!(
            detect("Der Port wird vom Server für eingehende Verbindungen der Clients verwendet"),
            "de"
        );
        assert_eq!(
            detect(
                "El puerto lo utiliza el servidor para las conexiones entrantes de los clientes"
            ),
            "es"
        );
        assert_eq!(
            detect("A porta é usada pelo servidor para as conexões de entrada dos clientes"),
            "pt"
        );
        assert_eq!(
            detect("La porta viene utilizzata dal server per le connessioni in entrata dei client"),
            "it"
        );
        assert_eq!(detect("443 8443"), "");
    }

    #[test]
    fn a_table_in_another_script_has_its_own_language() {
        let english = "Protocol Direction Port Range Purpose Used By TCP Inbound 6443 Kubernetes API server All";
        assert_eq!(table_language("ja", english).as_deref(), Some("en"));
        assert_eq!(table_language("en", english), None);
        // a Japanese table full of protocol names is still Japanese
        assert_eq!(
            table_language(
                "ja",
                "サーバーの役割 サービス名 ポート プロトコル SIP TCP 5061 HTTPS"
            ),
            None
        );
        assert_eq!(
            table_language("en", "サーバーの役割 サービス名 ポート プロトコル").as_deref(),
            Some("ja")
        );
        assert_eq!(settle_chinese("zh".into(), "這個連接埠"), "zh-Hant");
    }
}
