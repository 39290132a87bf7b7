//! The document's language: metadata first (front matter, sidecar, `lang`), then a language code
//! in the file name (`_ja-JP`, `-en`), then script (kana means Japanese), then lingua.

use crate::normalize::has_kana;
use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use std::sync::LazyLock;

/// Languages portolan reads, with their BCP 47 primary subtags.
pub const SUPPORTED: [(&str, Language); 2] =
    [("en", Language::English), ("ja", Language::Japanese)];

static DETECTOR: LazyLock<LanguageDetector> =
    LazyLock::new(|| LanguageDetectorBuilder::from_languages(&SUPPORTED.map(|(_, l)| l)).build());

/// `ja-JP` -> `ja`; unknown tags are kept lower-cased.
pub fn primary_tag(tag: &str) -> String {
    tag.split(['-', '_']).next().unwrap_or("").to_lowercase()
}

/// A supported language code that the file name carries as a separate part (`x_ja-JP_2022.md`).
pub fn from_path(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path).to_lowercase();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    let parts: Vec<&str> = stem.split(['_', '.', ' ']).collect();
    for p in parts {
        let code = p.split('-').next().unwrap_or("");
        let rest_ok = p
            .split('-')
            .skip(1)
            .all(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()));
        if rest_ok && SUPPORTED.iter().any(|(c, _)| *c == code) {
            return Some(code.to_string());
        }
    }
    None
}

/// Detects the language of a text sample.
pub fn detect(sample: &str) -> String {
    if has_kana(sample) {
        return "ja".into();
    }
    if !sample.chars().any(|c| c.is_alphabetic()) {
        return String::new();
    }
    DETECTOR
        .detect_language_of(sample)
        .and_then(|l| {
            SUPPORTED
                .iter()
                .find(|(_, x)| *x == l)
                .map(|(c, _)| c.to_string())
        })
        .unwrap_or_default()
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
        assert_eq!(detect("リスナー プロトコルおよびポート"), "ja");
        assert_eq!(
            detect("The direction that traffic flows through the port"),
            "en"
        );
        assert_eq!(primary_tag("ja-JP"), "ja");
    }
}
