//! portolan patch: a content-stream reader that yields one operation at a time into a reused
//! `Operation`, instead of lopdf's `Content::decode` (nom), which builds and frees a vector of
//! every operation of a page (a third of a page's reading time) and gives up the rest of the
//! stream at the first token it does not know.
//!
//! It reads what lopdf's content parser reads (numbers, names with `#xx`, literal strings with
//! escapes and nested parentheses, hexadecimal strings, arrays, dictionaries, booleans, null,
//! operators of letters, `*`, `'` and `"`), with the same values; it differs where lopdf stops:
//! a comment between operands, a form feed or NUL as white space, and a byte that starts no
//! token (it is skipped with the operands gathered so far, and reading goes on). Inline images
//! (`BI ... ID data EI`) come out as one `BI` operation without operands, their data skipped.

use lopdf::content::Operation;
use lopdf::{Dictionary, Object, StringFormat};

/// Nesting of arrays and dictionaries, and of parentheses in a literal string, past which the
/// rest of the object is skipped (lopdf's own limits are of the same order).
const MAX_DEPTH: usize = 256;

fn is_white(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\0' | b'\x0C')
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

fn is_regular(c: u8) -> bool {
    !is_white(c) && !is_delimiter(c)
}

fn is_operator_char(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'*' | b'\'' | b'"')
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// What one step of the reader found.
enum Token {
    Operand(Object),
    Operator,
    /// `]` or `>>` (closing what an array or dictionary opened)
    Close,
    /// a byte that starts nothing
    Junk,
    End,
}

/// Reads operations from a decoded content stream.
/// The room an array is first given (`TJ` arrays hold a string and a kern per run of glyphs).
const ARRAY_CAPACITY: usize = 8;

pub struct ContentLexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> ContentLexer<'a> {
    pub fn new(data: &'a [u8]) -> ContentLexer<'a> {
        ContentLexer { data, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if is_white(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next operation into `op` (its buffers reused); false at the end of the stream.
    pub fn next_into(&mut self, op: &mut Operation) -> bool {
        op.operator.clear();
        op.operands.clear();
        loop {
            match self.token(MAX_DEPTH, Some(&mut op.operator)) {
                Token::Operand(o) => op.operands.push(o),
                Token::Operator => {
                    if op.operator == "BI" {
                        self.skip_inline_image();
                        op.operands.clear();
                    }
                    return true;
                }
                Token::Close | Token::Junk => op.operands.clear(),
                Token::End => {
                    // operands without an operator at the end are dropped, as lopdf does
                    op.operands.clear();
                    return false;
                }
            }
        }
    }

    /// One token. `operator` receives an operator's name (None inside arrays and
    /// dictionaries, where a bare word is skipped).
    fn token(&mut self, depth: usize, operator: Option<&mut String>) -> Token {
        self.skip_space();
        let Some(c) = self.peek() else {
            return Token::End;
        };
        match c {
            b'0'..=b'9' | b'+' | b'-' | b'.' => match self.number() {
                Some(o) => Token::Operand(o),
                None => {
                    self.pos += 1;
                    Token::Junk
                }
            },
            b'/' => {
                self.pos += 1;
                Token::Operand(Object::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                let mut out = Vec::new();
                self.literal(&mut out, depth);
                Token::Operand(Object::String(out, StringFormat::Literal))
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Token::Operand(Object::Dictionary(self.dictionary(depth)))
            }
            b'<' => {
                self.pos += 1;
                Token::Operand(self.hex())
            }
            b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                self.pos += 2;
                Token::Close
            }
            b'[' => {
                self.pos += 1;
                Token::Operand(Object::Array(self.array(depth)))
            }
            b']' => {
                self.pos += 1;
                Token::Close
            }
            c if is_operator_char(c) => {
                let start = self.pos;
                while self.peek().is_some_and(is_operator_char) {
                    self.pos += 1;
                }
                let word = &self.data[start..self.pos];
                // lopdf reads these as values before it tries an operator
                for (kw, value) in [
                    (&b"null"[..], Object::Null),
                    (b"true", Object::Boolean(true)),
                    (b"false", Object::Boolean(false)),
                ] {
                    if word.starts_with(kw) {
                        self.pos = start + kw.len();
                        return Token::Operand(value);
                    }
                }
                match operator {
                    Some(name) => {
                        // operator characters are ASCII
                        name.push_str(std::str::from_utf8(word).unwrap_or_default());
                        Token::Operator
                    }
                    None => Token::Junk,
                }
            }
            _ => {
                self.pos += 1;
                Token::Junk
            }
        }
    }

    /// `[+-]?(digits(.digits?)?|.digits)`: an integer without a point, else a real; None when
    /// no digit follows the sign and point.
    fn number(&mut self) -> Option<Object> {
        let d = self.data;
        let start = self.pos;
        let mut i = start;
        if matches!(d.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let int_start = i;
        while d.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let int_digits = i - int_start;
        let mut point = false;
        let mut frac_digits = 0;
        if d.get(i) == Some(&b'.') {
            point = true;
            i += 1;
            while d.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
                frac_digits += 1;
            }
        }
        if int_digits == 0 && frac_digits == 0 {
            return None;
        }
        let text = std::str::from_utf8(&d[start..i]).ok()?;
        self.pos = i;
        if point {
            text.parse::<f32>().ok().map(Object::Real)
        } else {
            match text.parse::<i64>() {
                Ok(n) => Some(Object::Integer(n)),
                // beyond i64: lopdf fails there; a real keeps the magnitude
                Err(_) => text.parse::<f32>().ok().map(Object::Real),
            }
        }
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if !is_regular(c) {
                break;
            }
            if c == b'#' {
                let h = self.data.get(self.pos + 1).copied().and_then(hex_value);
                let l = self.data.get(self.pos + 2).copied().and_then(hex_value);
                if let (Some(h), Some(l)) = (h, l) {
                    out.push(h << 4 | l);
                    self.pos += 3;
                    continue;
                }
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// A literal string after its `(`, up to the matching `)` (nested pairs kept).
    fn literal(&mut self, out: &mut Vec<u8>, depth: usize) {
        let d = self.data;
        let mut nesting = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'(' => {
                    nesting += 1;
                    out.push(c);
                }
                b')' => {
                    if nesting == 0 {
                        return;
                    }
                    nesting -= 1;
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { return };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(b'\x08'),
                        b'f' => out.push(b'\x0C'),
                        b'0'..=b'7' => {
                            let mut v = u16::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(o @ b'0'..=b'7') => {
                                        v = v * 8 + u16::from(o - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            // the spec ignores overflow
                            out.push(v as u8);
                        }
                        // a backslash before an end of line continues the string
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
            if nesting > depth {
                // absurdly deep: the rest up to the end of the stream is one string
                out.extend_from_slice(&d[self.pos..]);
                self.pos = d.len();
                return;
            }
        }
    }

    /// A hexadecimal string after its `<`: white space ignored, an odd last digit padded with
    /// 0, other bytes skipped.
    fn hex(&mut self) -> Object {
        // sized once: two digits a byte, up to the closing `>`
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let digits = rest.iter().position(|&c| c == b'>').unwrap_or(rest.len());
        let mut out = Vec::with_capacity(digits.div_ceil(2));
        let mut high: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_value(c) {
                match high.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => high = Some(v),
                }
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        Object::String(out, StringFormat::Hexadecimal)
    }

    fn array(&mut self, depth: usize) -> Vec<Object> {
        // a text array (`TJ`) alternates strings and kerns: room for a few of each at once
        let mut items = Vec::with_capacity(ARRAY_CAPACITY);
        if depth == 0 {
            self.skip_nested();
            return items;
        }
        loop {
            match self.token(depth - 1, None) {
                Token::Operand(o) => items.push(o),
                Token::Close | Token::End => return items,
                Token::Operator | Token::Junk => {}
            }
        }
    }

    fn dictionary(&mut self, depth: usize) -> Dictionary {
        let mut dict = Dictionary::new();
        if depth == 0 {
            self.skip_nested();
            return dict;
        }
        let mut key: Option<Vec<u8>> = None;
        loop {
            match self.token(depth - 1, None) {
                Token::Operand(o) => match key.take() {
                    Some(k) => dict.set(k, o),
                    None => match o {
                        Object::Name(n) => key = Some(n),
                        _ => {}
                    },
                },
                Token::Close | Token::End => return dict,
                Token::Operator | Token::Junk => {}
            }
        }
    }

    /// Past the depth limit: skips to the end of the stream (nothing this deep is text).
    fn skip_nested(&mut self) {
        self.pos = self.data.len();
    }

    /// After `BI`: the image's dictionary up to `ID`, one white-space byte, the data up to an
    /// `EI` between white space (or at the end of the stream).
    fn skip_inline_image(&mut self) {
        let d = self.data;
        let Some(id) = find_keyword(d, self.pos, b"ID") else {
            self.pos = d.len();
            return;
        };
        let data_start = (id + 3).min(d.len());
        self.pos = match find_keyword(d, data_start, b"EI") {
            Some(ei) => ei + 2,
            None => d.len(),
        };
    }
}

/// The first `kw` at or after `from` that stands between white space (or the stream's ends).
fn find_keyword(d: &[u8], from: usize, kw: &[u8]) -> Option<usize> {
    let mut i = from;
    while i + kw.len() <= d.len() {
        if &d[i..i + kw.len()] == kw
            && (i == 0 || is_white(d[i - 1]))
            && d.get(i + kw.len()).is_none_or(|&c| is_white(c))
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Every operation of a content stream (for tests and tools; `process_stream` reads them one
/// at a time).
pub fn operations(data: &[u8]) -> Vec<Operation> {
    let mut lexer = ContentLexer::new(data);
    let mut out = Vec::new();
    let mut op = Operation::new("", Vec::new());
    while lexer.next_into(&mut op) {
        out.push(op.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(s: &[u8]) -> Vec<Operation> {
        operations(s)
    }

    #[test]
    fn reads_what_lopdf_reads() {
        let samples: &[&[u8]] = &[
            b"BT /F1 12 Tf 72 712 Td (Hello \\(world\\) \\101\\n) Tj ET",
            b"q 1 0 0 1 -3.5 .25 cm [(A) -120 (B)] TJ Q",
            b"/Span <</MCID 3 /Lang (en)>> BDC <48656c6c6f> Tj <4 8 6> Tj EMC",
            b"/Name#20with#23hash gs 0 0 1 rg 1 1 m 2 2 l S T* (x) ' 1 2 (y) \"",
            b"true false null 4 0 obj",
            b"(a (nested) string) Tj (line\\\ncontinued) Tj",
        ];
        for s in samples {
            let ours = ops(s);
            let theirs = lopdf::content::Content::decode(s).unwrap().operations;
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{}", String::from_utf8_lossy(s));
        }
    }

    #[test]
    fn goes_on_past_what_lopdf_gives_up_on() {
        let o = ops(b"BT (a) Tj } (b) Tj % comment\n 1 % between operands\n Tc ET");
        let names: Vec<&str> = o.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names, ["BT", "Tj", "Tj", "Tc", "ET"]);
        assert_eq!(o[3].operands, vec![Object::Integer(1)]);
    }

    #[test]
    fn skips_inline_images() {
        let o = ops(b"BI /W 2 /H 1 /CS /G /BPC 8 ID \x00EI\xff EI Q");
        let names: Vec<&str> = o.iter().map(|o| o.operator.as_str()).collect();
        assert_eq!(names, ["BI", "Q"]);
    }

    #[test]
    fn deep_nesting_ends_the_stream() {
        let mut s = vec![b'['; 100_000];
        s.extend_from_slice(b" Tj");
        assert!(ops(&s).len() <= 1);
        let mut s = vec![b'('; 100_000];
        s.extend_from_slice(b" Tj");
        assert!(ops(&s).len() <= 1);
    }
}
