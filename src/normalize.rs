//! Unicode and punctuation folding for matching, which keeps footnote marks apart from numbers.
//!
//! Plain NFKC turns `TCP 1433¹` into `TCP 14331`, a wrong port. So footnote marks are taken off
//! *before* NFKC runs, and handed back to the caller as marks.

use unicode_normalization::UnicodeNormalization;

/// A footnote mark found in a cell: `¹`, `*`, `†`, or a lone digit after a port in a PDF dump.
pub type Mark = String;

fn superscript_digit(c: char) -> Option<char> {
    Some(match c {
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁰' => '0',
        _ => return None,
    })
}

fn is_mark_symbol(c: char) -> bool {
    matches!(c, '*' | '†' | '‡' | '§' | '¶' | '＊')
}

/// Removes footnote marks (superscript digits, `*`, `†`, `‡`, `§`, markdown `\*`) and returns the
/// text without them plus the marks in order. Superscript digits become their plain digit
/// (`¹` -> `1`), symbols stay as they are (`＊` -> `*`).
pub fn take_marks(s: &str) -> (String, Vec<Mark>) {
    let mut out = String::with_capacity(s.len());
    let mut marks: Vec<Mark> = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| is_mark_symbol(*n)) {
            continue; // markdown escape of a mark: the mark itself follows
        }
        if let Some(d) = superscript_digit(c) {
            let mut m = d.to_string();
            while let Some(d2) = chars.peek().and_then(|n| superscript_digit(*n)) {
                m.push(d2);
                chars.next();
            }
            marks.push(m);
            out.push(' ');
        } else if is_mark_symbol(c) {
            // `*.log` is a file pattern, not a mark; a mark never starts a word.
            if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '.')
            {
                out.push(c);
                continue;
            }
            let m = if c == '＊' {
                "*".to_string()
            } else {
                c.to_string()
            };
            marks.push(m);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    (out, marks)
}

/// NFKC plus the folds portolan matches on: every dash to `-`, wave dashes to `~`, CJK list
/// punctuation to `,`, non-breaking and ideographic spaces to a space, whitespace collapsed.
/// Case is kept (the original words survive for qualifiers).
pub fn fold(s: &str) -> String {
    let mut f = Folded {
        out: String::with_capacity(s.len()),
        last_space: true,
    };
    // NFKC leaves ASCII as it is, and nothing composes across an ASCII space (a starter that no
    // mapping joins): each word is normalised alone, and ASCII words skip the normalizer.
    for word in s.split_inclusive(|c: char| c.is_ascii_whitespace()) {
        if word.is_ascii() {
            // an ASCII word is copied as it is, and its one trailing space folded
            let body = word.trim_end_matches(|c: char| c.is_ascii_whitespace());
            if body.contains('\u{0B}') {
                // a vertical tab is white space inside a word
                word.chars().for_each(|c| f.push(c));
            } else {
                if !body.is_empty() {
                    f.out.push_str(body);
                    f.last_space = false;
                }
                if body.len() < word.len() {
                    f.push(' ');
                }
            }
            continue;
        }
        unmark_superscripts(word).nfkc().for_each(|c| f.push(c));
    }
    let mut out = f.out;
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// `s` with a space for each superscript digit that follows a letter or digit: a footnote mark
/// whoever folds the text (`TCP 1433¹` must never read as 14331), taken out before NFKC could
/// make it a digit.
fn unmark_superscripts(s: &str) -> String {
    let (mut prev, mut in_mark) = (' ', false);
    s.chars()
        .map(|c| {
            let sup = superscript_digit(c).is_some();
            in_mark = sup && (in_mark || prev.is_alphanumeric());
            prev = c;
            if in_mark {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The text `fold` writes, and whether it ends in a space (spaces are collapsed).
struct Folded {
    out: String,
    last_space: bool,
}

impl Folded {
    fn push(&mut self, c: char) {
        let c = match c {
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
            | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
            '\u{301C}' | '\u{FF5E}' | '\u{223C}' => '~',
            '、' | '，' | '､' => ',',
            '；' => ';',
            '：' => ':',
            '\u{2018}' | '\u{2019}' | '\u{02BC}' => '\'',
            '\u{00A0}' | '\u{3000}' | '\u{2002}'..='\u{200B}' | '\t' | '\n' | '\r' => ' ',
            c => c,
        };
        if c.is_whitespace() {
            if !self.last_space {
                self.out.push(' ');
            }
            self.last_space = true;
        } else {
            self.out.push(c);
            self.last_space = false;
        }
    }
}

/// The matching key: `fold`, lower case, and Latin letters without their diacritics
/// (`Défaut` -> `defaut`, `Saída` -> `saida`), so that a translation matches however it is
/// accented. Other scripts keep every mark (kana voicing marks, Hangul, Cyrillic `й`); `ё` is
/// written `е`, as most Russian text does.
pub fn key(s: &str) -> String {
    let mut folded = fold(s);
    if folded.is_ascii() {
        folded.make_ascii_lowercase();
        return folded;
    }
    let lower = folded.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            'ё' => out.push('е'),
            'ß' => out.push_str("ss"),
            '\u{00C0}'..='\u{024F}' => {
                out.extend(std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)))
            }
            c if is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Combining diacritical marks (U+0300-U+036F): the accents NFKC leaves on Latin letters.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// The script of a letter, for the scripts portolan tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    Latin,
    Kana,
    Hangul,
    Han,
    Cyrillic,
}

/// The script of `c`, if it is a letter of one of the [`Letter`] scripts.
pub fn letter_script(c: char) -> Option<Letter> {
    Some(match c {
        'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' => Letter::Latin,
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => Letter::Kana,
        '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
            Letter::Hangul
        }
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => Letter::Han,
        '\u{0400}'..='\u{04FF}' => Letter::Cyrillic,
        _ => return None,
    })
}

/// True for the scripts written without spaces between words, or that glue particles onto
/// words (Han, kana, Hangul): their phrases match as substrings, spaces ignored.
pub fn is_cjk(c: char) -> bool {
    matches!(
        letter_script(c),
        Some(Letter::Kana | Letter::Hangul | Letter::Han)
    )
}

/// Whitespace-normalized original text (for the text columns of a record).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `phrase`, found in `hay` at `start..end`, stands there as whole words: no letter
/// or digit touches it on a side where the phrase itself starts or ends with one.
pub fn is_whole_words(hay: &str, start: usize, end: usize, phrase: &str) -> bool {
    let (Some(first), Some(last)) = (phrase.chars().next(), phrase.chars().next_back()) else {
        return false;
    };
    let before_ok = !is_word_char(first)
        || hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
    let after_ok =
        !is_word_char(last) || hay[end..].chars().next().is_none_or(|c| !is_word_char(c));
    before_ok && after_ok
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fold` normalises word by word; NFKC of the whole text, marks removed first, must
    /// give the same folding, whatever sits next to the spaces (combining marks, superscripts,
    /// compatibility characters, CJK).
    #[test]
    fn word_by_word_normalisation_is_whole_text_normalisation() {
        let pieces = [
            " ",
            "  ",
            "\t",
            "\n",
            "TCP",
            "1433",
            "\u{00B9}",
            "\u{00B2}\u{00B3}",
            "e",
            "\u{0301}",
            "\u{0327}",
            "\u{00A8}",
            "\u{FB01}",
            "ＴＣＰ",
            "１４３３",
            "ｶ",
            "\u{FF9E}",
            "が",
            "\u{3099}",
            "\u{00A0}",
            "\u{3000}",
            "–",
            "〜",
            "、",
            "Défaut",
            "é",
            "ﾎﾟｰﾄ",
            "①",
            "\u{2126}",
            "x",
            "\u{0B}",
            "\u{0C}",
            "\r\n",
            "Port",
        ];
        let whole = |s: &str| -> String {
            let unmarked = unmark_superscripts(s);
            // normalised as a whole, then folded character by character
            let mut f = Folded {
                out: String::new(),
                last_space: true,
            };
            unmarked.nfkc().for_each(|c| f.push(c));
            f.out.trim_end_matches(' ').to_string()
        };
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..5000 {
            let mut s = String::new();
            for _ in 0..8 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            assert_eq!(fold(&s), whole(&s), "{s:?}");
        }
    }

    /// Whether `phrase` occurs in `hay` as whole words (how `vocab::Phrases` matches).
    fn has_phrase(hay: &str, phrase: &str) -> bool {
        let Some(first) = phrase.chars().next() else {
            return false;
        };
        let mut from = 0;
        while let Some(pos) = hay[from..].find(phrase) {
            let start = from + pos;
            if is_whole_words(hay, start, start + phrase.len(), phrase) {
                return true;
            }
            from = start + first.len_utf8();
        }
        false
    }

    #[test]
    fn superscript_mark_does_not_glue_onto_port() {
        let (t, m) = take_marks("TCP 1433¹");
        assert_eq!(fold(&t), "TCP 1433");
        assert_eq!(m, vec!["1"]);
        // what plain NFKC would have done
        assert_eq!("TCP 1433¹".nfkc().collect::<String>(), "TCP 14331");
        // fold alone never glues a mark onto a number either (text folded before its marks
        // are taken, such as a data row read as a header)
        assert_eq!(fold("TCP 1433¹²"), "TCP 1433");
        assert_eq!(fold("Bidirectional¹ 80"), "Bidirectional 80");
        assert_eq!(fold("¹The ports"), "1The ports");
    }

    #[test]
    fn star_and_dagger_marks() {
        let (t, m) = take_marks("1024-65535 \\*");
        assert_eq!(fold(&t), "1024-65535");
        assert_eq!(m, vec!["*"]);
        let (t, m) = take_marks("NodePort Services†");
        assert_eq!(fold(&t), "NodePort Services");
        assert_eq!(m, vec!["†"]);
        let (t, m) = take_marks("1024-65535\\*");
        assert_eq!((t.trim(), m), ("1024-65535", vec!["*".to_string()]));
        let (_, m) = take_marks("\\*メディアの種類");
        assert_eq!(m, vec!["*"]);
        let (t, m) = take_marks("*.log");
        assert_eq!(t, "*.log");
        assert!(m.is_empty());
    }

    #[test]
    fn folds_punctuation_and_width() {
        assert_eq!(fold("TCP 80、8082"), "TCP 80,8082");
        assert_eq!(fold("ＴＣＰ　４４３"), "TCP 443");
        assert_eq!(fold("A 側 ： TCP 42027"), "A 側 : TCP 42027");
        assert_eq!(fold("23000 – 28000"), "23000 - 28000");
        assert_eq!(fold("5000〜5010"), "5000~5010");
        assert_eq!(fold("\u{2F00}"), "一"); // Kangxi radical folds to the kanji
        assert_eq!(fold("ﬁle"), "file");
    }

    #[test]
    fn keys_fold_accents_and_quotes() {
        assert_eq!(key("Par Défaut"), "par defaut");
        assert_eq!(key("Saída"), "saida");
        assert_eq!(
            key("Protocole et port de l’écouteur"),
            "protocole et port de l'ecouteur"
        );
        assert_eq!(key("Удалённый"), "удаленный");
        assert_eq!(key("Straße"), "strasse");
        // kana voicing marks and Hangul stay as they are
        assert_eq!(key("ポート"), "ポート");
        assert_eq!(key("포트"), "포트");
    }

    #[test]
    fn phrases_match_whole_words() {
        assert!(has_phrase("port distant", "port"));
        assert!(!has_phrase("porta remota", "port"));
        assert!(has_phrase("удаленный порт", "порт"));
        assert!(!has_phrase("порты", "порт"));
        assert!(has_phrase("listener port", "port"));
        assert!(!has_phrase("transport", "port"));
        assert!(!has_phrase("application protocol", "port"));
        assert!(has_phrase("inbound & outbound", "inbound & outbound"));
    }
}

/// Numbers written with digit grouping (LABELING rule 15) as plain digits: `49.152`,
/// `49 152` (with a no-break or thin space), `50 000`, `20,000`, and ranges whose two ends
/// are grouped the same way (`50 000-59 999`, `20,000-60,000`, `49 152 – 53 247`). A list
/// (`80, 443`, `TCP 80 443`), an address (`10.1.152.3`) or a version (`1.2`) is left as it is.
pub fn ungroup_digits(s: &str) -> std::borrow::Cow<'_, str> {
    const TYPOGRAPHIC: [char; 4] = ['.', '\u{00A0}', '\u{202F}', '\u{2009}'];
    // the common case, on every port cell: no digit stands right before a separator
    let mut prev_digit = false;
    let candidate = s.chars().any(|c| {
        let hit = prev_digit && (c == ' ' || c == ',' || TYPOGRAPHIC.contains(&c));
        prev_digit = c.is_ascii_digit();
        hit
    });
    if !candidate {
        return std::borrow::Cow::Borrowed(s);
    }
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let digit = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_ascii_digit());
    let run_end = |mut i: usize| {
        while digit(i) {
            i += 1;
        }
        i
    };
    // candidates: (first char, last char + 1, separator index, separator, value)
    let mut groups: Vec<(usize, usize, usize, char, u32)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        let a = i;
        let a_end = run_end(a);
        i = a_end;
        let sep = chars.get(a_end).map(|(_, c)| *c);
        let Some(sep) = sep.filter(|c| *c == ' ' || *c == ',' || TYPOGRAPHIC.contains(c)) else {
            continue;
        };
        let b = a_end + 1;
        let b_end = run_end(b);
        // one or two digits, then exactly three; nothing that makes it an address or a longer
        // number on either side
        let before_ok =
            a == 0 || !(matches!(chars[a - 1].1, '.' | ',' | ':') && a >= 2 && digit(a - 2));
        let next_is = |f: &dyn Fn(char) -> bool| chars.get(b_end).is_some_and(|(_, c)| f(*c));
        let continues = digit(b_end + 1)
            && (next_is(&|c| matches!(c, '.' | ',' | ':'))
                || (sep != ' ' && next_is(&|c| c == sep)));
        let after_ok = !continues;
        if (1..=2).contains(&(a_end - a)) && b_end - b == 3 && before_ok && after_ok {
            let text: String = chars[a..b_end]
                .iter()
                .map(|(_, c)| *c)
                .filter(char::is_ascii_digit)
                .collect();
            let value: u32 = text.parse().unwrap_or(0);
            if value <= 65535 {
                groups.push((a, b_end, a_end, sep, value));
                i = b_end;
            }
        }
    }
    if groups.is_empty() {
        return std::borrow::Cow::Borrowed(s);
    }
    let between =
        |x: usize, y: usize| -> String { chars[x..y].iter().map(|(_, c)| *c).collect::<String>() };
    let is_range_link = |t: &str| {
        let t = t.trim().to_lowercase();
        matches!(
            t.as_str(),
            "-" | "–" | "—" | "~" | "to" | "through" | "bis" | "à" | "a" | "al" | "до" | "～"
        )
    };
    let mut merge = vec![false; groups.len()];
    for (g, &(_, b_end, _, sep, value)) in groups.iter().enumerate() {
        let tail: String = chars[b_end - 3..b_end].iter().map(|(_, c)| *c).collect();
        // a typographic separator, a round thousand, or one digit and a space before three
        // ("5 514": no document lists port 5 that way)
        let one_digit = sep == ' ' && (1000..10_000).contains(&value);
        if (sep != ' ' && sep != ',' && value >= 1024) || tail == "000" || one_digit {
            merge[g] = true;
        }
        if let Some(&(na, _, _, nsep, _)) = groups.get(g + 1) {
            if nsep == sep && is_range_link(&between(b_end, na)) {
                merge[g] = true;
                merge[g + 1] = true;
            }
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0usize;
    for (g, &(_, _, sep_at, _, _)) in groups.iter().enumerate() {
        if merge[g] {
            let at = chars[sep_at].0;
            out.push_str(&s[last..at]);
            last = at + chars[sep_at].1.len_utf8();
        }
    }
    out.push_str(&s[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod ungroup_tests {
    use super::ungroup_digits;

    #[test]
    fn grouped_numbers_become_plain() {
        for (i, o) in [
            ("50 000-59 999", "50000-59999"),
            ("20,000-60,000", "20000-60000"),
            ("49.152", "49152"),
            (
                "3478-3481 und 49 152 – 53 247",
                "3478-3481 und 49152 – 53247",
            ),
            ("49\u{00A0}152", "49152"),
            ("port 50 000", "port 50000"),
            ("TCP 80, 443", "TCP 80, 443"),
            ("TCP 80 443", "TCP 80 443"),
            ("21,123", "21,123"),
            ("10.1.152.3", "10.1.152.3"),
            ("TLS 1.2", "TLS 1.2"),
            ("version 12.5.1", "version 12.5.1"),
            ("90 000", "90 000"),
            ("UDP 5 514", "UDP 5514"),
            ("TCP 22 443", "TCP 22 443"),
            ("UDP 9, 25536", "UDP 9, 25536"),
        ] {
            assert_eq!(ungroup_digits(i), o, "{i}");
        }
    }
}
