//! A cap on what any one stream of a PDF decodes to: page content, form XObjects, fonts,
//! ToUnicode CMaps, through any chain of the filters lopdf decodes (Flate, LZW, ASCII85).
//!
//! lopdf inflates a stream into memory whole, so a few hundred kilobytes of zeros compressed
//! again and again (a decompression bomb) would take gigabytes. After the file is loaded and
//! before anything is decoded, every stream whose decoded size *could* pass the cap (its length
//! times the largest expansion of each of its filters) is measured by decoding it into nothing,
//! at most one byte past the cap; one that does pass it is emptied, with a warning. Streams
//! that cannot expand that far cost nothing, so ordinary PDFs pay a multiplication per stream.
//!
//! Object streams (`/ObjStm`) are expanded by lopdf while it loads the file, so they are
//! measured in the loader's filter ([`object_stream_filter`]), before lopdf inflates them; one
//! that passes the cap is emptied there (its objects are then missing) and marked, and
//! [`defuse`] reports it with the others.

use std::io::Read;

/// The most one stream may decode to.
pub const MAX_STREAM_BYTES: u64 = 256 * 1024 * 1024;

/// The most one filter can expand its input: zlib's limit is 1032:1, LZW's is reached by
/// 12-bit codes of 4,096-byte strings, ASCII85's by `z` (one byte for four zeros).
fn max_expansion(filter: &[u8]) -> u64 {
    match filter {
        b"FlateDecode" | b"Fl" => 1032,
        b"LZWDecode" | b"LZW" => 3641,
        b"ASCII85Decode" | b"A85" => 4,
        // lopdf does not decode the others (images): they are read as they are
        _ => 1,
    }
}

/// Up to `cap + 1` bytes of one filter's output (only the size matters for the last filter:
/// `keep` is false and nothing is stored).
fn decode_one(filter: &[u8], input: &[u8], cap: u64, keep: bool) -> (u64, Vec<u8>) {
    let mut out = Vec::new();
    let sink = |r: &mut dyn Read, out: &mut Vec<u8>| -> u64 {
        let mut limited = r.take(cap + 1);
        if keep {
            limited
                .read_to_end(out)
                .map(|n| n as u64)
                .unwrap_or(out.len() as u64)
        } else {
            std::io::copy(&mut limited, &mut std::io::sink()).unwrap_or(0)
        }
    };
    match filter {
        b"FlateDecode" | b"Fl" => {
            let n = sink(&mut flate2::read::ZlibDecoder::new(input), &mut out);
            if n > 0 || input.len() < 2 {
                return (n, out);
            }
            // lopdf retries a damaged zlib stream as raw deflate
            out.clear();
            let n = sink(
                &mut flate2::read::DeflateDecoder::new(&input[2..]),
                &mut out,
            );
            (n, out)
        }
        b"LZWDecode" | b"LZW" => {
            let mut d = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
            let mut buf = vec![0u8; 64 * 1024];
            let (mut total, mut at) = (0u64, 0usize);
            while at < input.len() && total <= cap {
                let r = d.decode_bytes(&input[at..], &mut buf);
                at += r.consumed_in;
                total += r.consumed_out as u64;
                if keep {
                    out.extend_from_slice(&buf[..r.consumed_out]);
                }
                if r.status.is_err()
                    || matches!(r.status, Ok(weezl::LzwStatus::Done))
                    || (r.consumed_in == 0 && r.consumed_out == 0)
                {
                    break;
                }
            }
            (total, out)
        }
        b"ASCII85Decode" | b"A85" => {
            let decoded = ascii85(input);
            (
                decoded.len() as u64,
                if keep { decoded } else { Vec::new() },
            )
        }
        _ => (
            input.len() as u64,
            if keep { input.to_vec() } else { Vec::new() },
        ),
    }
}

/// ASCII85 (`<~ ... ~>` optional), as lopdf reads it; bad characters are skipped.
fn ascii85(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut group = [0u32; 5];
    let mut n = 0usize;
    let body = input.strip_prefix(b"<~").unwrap_or(input);
    for &c in body {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0, 0, 0, 0]),
            b'!'..=b'u' => {
                group[n] = (c - b'!') as u32;
                n += 1;
                if n == 5 {
                    let v = group
                        .iter()
                        .fold(0u32, |a, &d| a.wrapping_mul(85).wrapping_add(d));
                    out.extend_from_slice(&v.to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group
            .iter()
            .fold(0u32, |a, &d| a.wrapping_mul(85).wrapping_add(d));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    out
}

/// What `content` decodes to through `filters`, in bytes, counting at most to `cap + 1`.
pub fn decoded_size(filters: &[&[u8]], content: &[u8], cap: u64) -> u64 {
    let Some((last, first)) = filters.split_last() else {
        return content.len() as u64;
    };
    let mut data = std::borrow::Cow::Borrowed(content);
    for f in first {
        let (n, out) = decode_one(f, &data, cap, true);
        if n > cap {
            return n;
        }
        data = std::borrow::Cow::Owned(out);
    }
    decode_one(last, &data, cap, false).0
}

/// The most `content` can decode to through `filters` (saturating).
pub fn decoded_bound(filters: &[&[u8]], content_len: usize) -> u64 {
    filters.iter().fold(content_len as u64, |n, f| {
        n.saturating_mul(max_expansion(f))
    })
}

/// Empties `s` when it decodes to more than `cap` bytes; says whether it did.
fn defuse_stream(s: &mut pdf_extract::Stream, cap: u64) -> bool {
    let filters: Vec<Vec<u8>> = s
        .filters()
        .map(|f| f.into_iter().map(<[u8]>::to_vec).collect())
        .unwrap_or_default();
    let filters: Vec<&[u8]> = filters.iter().map(Vec::as_slice).collect();
    if decoded_bound(&filters, s.content.len()) <= cap
        || decoded_size(&filters, &s.content, cap) <= cap
    {
        return false;
    }
    s.set_plain_content(Vec::new());
    true
}

/// The key that marks an object stream emptied while the file was loaded.
const LEFT_OUT: &[u8] = b"PortolanLeftOut";

/// Whether a PDF may hold object streams: it names the type, or it escapes a name (`/O#62jStm`
/// is `/ObjStm` too). Only those pay for [`object_stream_filter`]. A byte scan (memchr), not a
/// pattern: it runs over every byte of every PDF.
pub fn may_hold_object_streams(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"ObjStm").is_some() || has_escaped_name(bytes)
}

/// Whether a `#` and two hex digits stand in a name: after a `/` with no white space or
/// delimiter between them.
fn has_escaped_name(bytes: &[u8]) -> bool {
    let regular = |b: u8| !b.is_ascii_whitespace() && b != 0 && !b"/[]<>(){}%".contains(&b);
    memchr::memchr_iter(b'#', bytes).any(|i| {
        let hex = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            return false;
        }
        // the name's start, looked for at most NAME_SCAN bytes back (a longer run of regular
        // bytes may be a name too: a yes only costs the careful load)
        let from = i.saturating_sub(NAME_SCAN);
        match bytes[from..i].iter().rposition(|&b| !regular(b)) {
            Some(k) => bytes[from + k] == b'/',
            None => true,
        }
    })
}

/// How far back from a `#` escape [`has_escaped_name`] looks for the `/` of its name (PDF
/// names are at most 127 bytes in practice).
const NAME_SCAN: usize = 256;

/// lopdf's load filter: an object stream is measured (and emptied past [`MAX_STREAM_BYTES`])
/// before lopdf expands it. lopdf calls the filter on each object of the file, ignoring what it
/// returns, and on each object from an object stream, keeping what it returns: so a stream
/// (never inside an object stream) gives a placeholder, other objects a copy.
pub fn object_stream_filter(
    id: pdf_extract::ObjectId,
    obj: &mut pdf_extract::Object,
) -> Option<(pdf_extract::ObjectId, pdf_extract::Object)> {
    if let pdf_extract::Object::Stream(s) = obj {
        if s.dict.has_type(b"ObjStm") && defuse_stream(s, MAX_STREAM_BYTES) {
            s.dict.set(LEFT_OUT, true);
        }
        return Some((id, pdf_extract::Object::Null));
    }
    Some((id, obj.clone()))
}

/// Empties every stream of `doc` (images aside, which are never decoded) that decodes to more
/// than `cap` bytes, and says which (the object streams [`object_stream_filter`] emptied too).
pub fn defuse(doc: &mut pdf_extract::Document, cap: u64) -> Vec<String> {
    let mut warnings = Vec::new();
    for (id, obj) in doc.objects.iter_mut() {
        let pdf_extract::Object::Stream(s) = obj else {
            continue;
        };
        let name = |key: &[u8]| s.dict.get(key).and_then(|o| o.as_name()).ok();
        if name(b"Subtype") == Some(b"Image") {
            continue;
        }
        let what = if s.dict.has(LEFT_OUT) {
            "an object stream"
        } else if defuse_stream(s, cap) {
            "a stream"
        } else {
            continue;
        };
        warnings.push(format!(
            "object {} {}: {what} decodes to more than {} MiB (a decompression bomb?) and was left out",
            id.0,
            id.1,
            cap >> 20
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_streams_and_escaped_names_are_found_by_scanning() {
        assert!(may_hold_object_streams(b"1 0 obj << /Type /ObjStm >>"));
        assert!(may_hold_object_streams(b"<< /Type /O#62jStm >>"));
        assert!(may_hold_object_streams(b"<</A#20B 1>>"));
        assert!(!may_hold_object_streams(
            b"<< /Type /Page >> (a #20 in a string) #ff"
        ));
        assert!(!may_hold_object_streams(b"/Name #20"));
        assert!(!may_hold_object_streams(b"#2"));
        // a run of regular bytes longer than a name may be one: the careful load
        assert!(may_hold_object_streams(
            &[b"a".repeat(300), b"#41".to_vec()].concat()
        ));
    }
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn sizes_through_filter_chains() {
        let plain = b"BT /F1 12 Tf (Port 443) Tj ET".repeat(100);
        let once = zlib(&plain);
        assert_eq!(
            decoded_size(&[b"FlateDecode"], &once, 1 << 20),
            plain.len() as u64
        );
        let twice = zlib(&once);
        assert_eq!(
            decoded_size(&[b"FlateDecode", b"FlateDecode"], &twice, 1 << 20),
            plain.len() as u64
        );
        assert_eq!(ascii85(b"<~87cURD]i,\"Ebo80~>"), b"Hello World!");
    }

    #[test]
    fn a_bomb_is_measured_without_being_held() {
        // 64 MiB of zeros, compressed twice: a few hundred bytes
        let zeros = vec![0u8; 64 << 20];
        let bomb = zlib(&zlib(&zeros));
        assert!(bomb.len() < 100_000);
        let filters: [&[u8]; 2] = [b"FlateDecode", b"FlateDecode"];
        assert!(decoded_bound(&filters, bomb.len()) > 16 << 20);
        assert!(decoded_size(&filters, &bomb, 16 << 20) > 16 << 20);
        // an ordinary stream is never even measured
        assert!(decoded_bound(&[b"FlateDecode"], 10_000) < MAX_STREAM_BYTES);
    }
}
