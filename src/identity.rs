//! What a document is about when no metadata says it: the vendor, product and release from its
//! title or first heading ("Port Utilization Guide for Cisco Unified Contact Center Solutions,
//! Release 12.6(1)"), the vendor from the known names of `vendors` in vocab.toml. Each value
//! says where it came from, for the run report.

use crate::document::Document;
use crate::normalize::{is_whole_words, key};
use crate::vocab::vocab;

/// A value and where it came from ("sidecar", "document metadata", "the title", ...); both
/// empty when nothing says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub value: String,
    pub from: String,
}

impl Found {
    fn of(value: String, from: &str) -> Found {
        let from = if value.is_empty() { "" } else { from };
        Found {
            value,
            from: from.to_string(),
        }
    }
}

/// The document's vendor, product and release: what its metadata says (`given_from`: where
/// each of the three came from, "sidecar" or "document metadata"), else what its title or
/// first heading says.
pub fn identify(doc: &Document, given_from: [&str; 3]) -> (Found, Found, Found) {
    let m = &doc.meta;
    let (subject, subject_from) = if !m.title.is_empty() {
        (m.title.as_str(), "the title")
    } else {
        (doc.subject(), "the first heading")
    };
    let subject = crate::normalize::fold(subject);
    let release = if !m.release.is_empty() {
        Found::of(m.release.clone(), given_from[2])
    } else {
        Found::of(
            crate::decode::release_in_title(&subject).unwrap_or_default(),
            subject_from,
        )
    };
    let named_vendor = vendor_in(&subject);
    let vendor = if !m.vendor.is_empty() {
        Found::of(m.vendor.clone(), given_from[0])
    } else {
        Found::of(
            named_vendor.clone().unwrap_or_default(),
            &format!("a known vendor name in {subject_from}"),
        )
    };
    // a title names a product when it names its vendor or its release too: "Configure
    // Firewall" or "Requirements" name none
    let product = if !m.product.is_empty() {
        Found::of(m.product.clone(), given_from[1])
    } else if named_vendor.is_some() || !release.value.is_empty() {
        Found::of(product_in(&subject, &release.value), subject_from)
    } else {
        Found::default()
    };
    (vendor, product, release)
}

/// The first known vendor name that stands in `text` as whole words.
pub fn vendor_in(text: &str) -> Option<String> {
    let k = key(text);
    vocab()
        .vendors
        .iter()
        .filter_map(|v| {
            let kv = key(v);
            let at = k
                .match_indices(&kv)
                .find(|(i, _)| is_whole_words(&k, *i, i + kv.len(), &kv))?;
            Some((at.0, v))
        })
        .min_by_key(|(at, v)| (*at, std::cmp::Reverse(v.len())))
        .map(|(_, v)| v.clone())
}

/// The subject without its release phrase ("..., Release 12.6(1)") and the separators left
/// at its end; empty when nothing is left or the subject is a sentence.
fn product_in(subject: &str, release: &str) -> String {
    let mut s = subject.to_string();
    if !release.is_empty() {
        if let Some(i) = s.find(release) {
            // the release word before the number goes too
            let head = s[..i].trim_end();
            let lower = head.to_lowercase();
            let cut = vocab()
                .release_words
                .iter()
                .filter(|w| lower.len() == head.len() && lower.ends_with(w.as_str()))
                .map(|w| head.len() - w.len())
                .filter(|&c| head.is_char_boundary(c))
                .min()
                .unwrap_or(head.len());
            s = format!("{}{}", &head[..cut], &s[i + release.len()..]);
        }
    }
    let s = s
        .trim()
        .trim_end_matches([',', ';', ':', '-', '|', '(', ')', ' '])
        .trim()
        .to_string();
    if s.split_whitespace().count() > PRODUCT_MAX_WORDS {
        return String::new();
    }
    s
}

/// A title of more words than this is a sentence, not a product's name.
const PRODUCT_MAX_WORDS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Meta;

    fn doc(title: &str) -> Document {
        Document {
            meta: Meta {
                title: title.into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn vendor_product_and_release_come_from_the_title() {
        let (v, p, r) = identify(
            &doc("Port Utilization Guide for Cisco Unified Contact Center Solutions, Release 12.6(1)"),
            ["sidecar"; 3],
        );
        assert_eq!(v.value, "Cisco");
        assert_eq!(v.from, "a known vendor name in the title");
        assert_eq!(r.value, "12.6(1)");
        assert_eq!(r.from, "the title");
        assert_eq!(
            p.value,
            "Port Utilization Guide for Cisco Unified Contact Center Solutions"
        );
        let (v, _, r) = identify(&doc("Red Hat OpenShift ports"), ["sidecar"; 3]);
        assert_eq!((v.value.as_str(), r.value.as_str()), ("Red Hat", ""));
        // "nice" inside a word is no vendor
        assert_eq!(vendor_in("Niceties of port planning"), None);
    }

    #[test]
    fn metadata_wins_and_says_so() {
        let mut d = doc("Anything, Release 1.0");
        d.meta.product = "Finesse".into();
        let (_, p, r) = identify(&d, ["sidecar"; 3]);
        assert_eq!((p.value.as_str(), p.from.as_str()), ("Finesse", "sidecar"));
        assert_eq!((r.value.as_str(), r.from.as_str()), ("1.0", "the title"));
    }
}
