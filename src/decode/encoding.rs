//! Bytes to text: UTF-8, UTF-16 with a BOM, Shift_JIS and EUC-JP (encoding_rs), or a clear error.

use crate::error::DocError;
use encoding_rs::{Encoding, EUC_JP, SHIFT_JIS, UTF_8};

/// Largest document portolan reads (a port chapter is kilobytes; this guards memory).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

pub fn decode_text(bytes: &[u8]) -> Result<String, DocError> {
    if bytes.len() > MAX_BYTES {
        return Err(DocError::TooLarge(bytes.len()));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DocError::Empty);
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(DocError::Encoding(format!(
                "the file starts with a {} byte-order mark but is not valid {}",
                enc.name(),
                enc.name()
            )));
        }
        return check_text(text.into_owned());
    }
    if bytes.contains(&0) {
        return Err(DocError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return check_text(s.to_string());
    }
    // Legacy Japanese encodings: take the one that decodes without error; if both do, the one
    // whose text has more Japanese characters.
    let mut best: Option<(usize, String)> = None;
    for enc in [SHIFT_JIS, EUC_JP] {
        if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
            let score = text
                .chars()
                .filter(|c| matches!(*c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
                .count();
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, text.into_owned()));
            }
        }
    }
    match best {
        Some((score, text)) if score > 0 => check_text(text),
        _ => {
            if looks_binary(bytes) {
                Err(DocError::Binary)
            } else {
                Err(DocError::Encoding(format!(
                    "not valid {}, UTF-16, Shift_JIS or EUC-JP text",
                    UTF_8.name()
                )))
            }
        }
    }
}

fn looks_binary(bytes: &[u8]) -> bool {
    let control = bytes
        .iter()
        .filter(|b| (**b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0c)) || **b == 0x7f)
        .count();
    control * 20 > bytes.len()
}

pub(crate) fn check_text(text: String) -> Result<String, DocError> {
    if text.trim().is_empty() {
        return Err(DocError::Empty);
    }
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0c}'))
        .count();
    if control * 20 > text.chars().count() {
        return Err(DocError::Binary);
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_japanese_encodings() {
        let s = "表 1 : リスナー プロトコルおよびポート TCP 80、8082";
        let (sjis, _, _) = SHIFT_JIS.encode(s);
        assert_eq!(decode_text(&sjis).unwrap(), s);
        let (euc, _, _) = EUC_JP.encode(s);
        assert_eq!(decode_text(&euc).unwrap(), s);
        let mut u16 = vec![0xFF, 0xFE];
        for unit in s.encode_utf16() {
            u16.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_text(&u16).unwrap(), s);
    }

    #[test]
    fn bad_bytes_are_errors() {
        assert!(matches!(decode_text(b""), Err(DocError::Empty)));
        assert!(matches!(decode_text(b"  \n\n"), Err(DocError::Empty)));
        assert!(matches!(
            decode_text(&[0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]),
            Err(DocError::Binary)
        ));
        let junk: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect();
        assert!(decode_text(&junk).is_err());
    }
}
