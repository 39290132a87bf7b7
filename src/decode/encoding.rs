//! Bytes to text: UTF-8, UTF-16 with a BOM, or a legacy encoding guessed by chardetng (Firefox's
//! detector: Shift_JIS, EUC-JP, GBK/GB18030, Big5, EUC-KR, windows-1251, windows-1252, ...), or
//! a clear error.

use crate::error::DocError;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::Encoding;

/// Largest document portolan reads (a port chapter is kilobytes; this guards memory).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

pub fn decode_text(bytes: &[u8]) -> Result<String, DocError> {
    decode_text_noting(bytes).map(|(t, _)| t)
}

/// The legacy encoding the bytes are most likely in (never UTF-8 or UTF-16).
pub fn guess_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut d = EncodingDetector::new(Iso2022JpDetection::Deny);
    d.feed(bytes, true);
    d.guess(None, Utf8Detection::Deny)
}

/// Like [`decode_text`], with a note when the encoding was guessed (for the run report).
pub fn decode_text_noting(bytes: &[u8]) -> Result<(String, Option<String>), DocError> {
    if bytes.len() > MAX_BYTES {
        return Err(DocError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_BYTES as u64,
        });
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
        return check_text(text.into_owned()).map(|t| (t, None));
    }
    if bytes.contains(&0) {
        return Err(DocError::Binary);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return check_text(s.to_string()).map(|t| (t, None));
    }
    if looks_binary(bytes) {
        return Err(DocError::Binary);
    }
    let enc = guess_legacy(bytes);
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => check_text(text.into_owned()).map(|t| {
            let note = format!("not UTF-8: read as {} (guessed from the bytes)", enc.name());
            (t, Some(note))
        }),
        None => Err(DocError::Encoding(format!(
            "not valid UTF-8 or UTF-16, and not valid {} either (the likeliest legacy encoding)",
            enc.name()
        ))),
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
    fn legacy_encodings_are_guessed() {
        for (enc, s) in [
            (encoding_rs::GBK, "表 1：侦听程序协议和端口 TCP 80、8082 流量方向 双向 备注 这个端口用于浏览器"),
            (encoding_rs::BIG5, "表 1：接聽程式通訊協定和連接埠 TCP 80、8082 流量方向 雙向 附註 這個連接埠用於瀏覽器"),
            (encoding_rs::EUC_KR, "표 1: 리스너 프로토콜 및 포트 TCP 80, 8082 트래픽 방향 양방향 참고 브라우저에서 사용하는 포트"),
            (encoding_rs::WINDOWS_1251, "Таблица 1. Протокол и порт прослушивателя TCP 80, 8082 Направление двунаправленный"),
            (encoding_rs::WINDOWS_1252, "Tableau 1 : Protocole et port de l'écouteur TCP 80, 8082 Sens entrant Remarques séparées"),
        ] {
            let (bytes, _, _) = enc.encode(s);
            let (text, note) = decode_text_noting(&bytes).unwrap();
            assert_eq!(text, s, "{}", enc.name());
            assert!(note.unwrap().contains(enc.name()));
        }
    }

    #[test]
    fn legacy_japanese_encodings() {
        use encoding_rs::{EUC_JP, SHIFT_JIS};
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
