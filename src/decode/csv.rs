//! CSV and TSV spreadsheets: one table, its first row the header.

use super::BlockBuilder;
use crate::document::{Document, TableBody};
use crate::error::DocError;

/// The header portolan's own dataset (`ports.csv`) starts with.
const DATASET_HEADER: &str = "id,vendor,product,release,language,document,format,";

/// Decodes a spreadsheet.
pub fn decode(text: &str) -> Result<Document, DocError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first
        .trim_start_matches('\u{feff}')
        .trim()
        .to_ascii_lowercase()
        .starts_with(DATASET_HEADER)
    {
        return Err(DocError::Unsupported(
            "this is a portolan dataset (ports.csv), not a document".into(),
        ));
    }
    let delim = sniff_delimiter(first);
    let rows = read_rows(text, delim, b'"');
    let mut doc = Document::default();
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Ok(doc);
    };
    let body: Vec<Vec<String>> = rows.collect();
    let (header, body) = square(header, body);
    let mut b = BlockBuilder::default();
    b.table(header, None, TableBody::Grid(body), 1);
    doc.blocks = b.blocks;
    Ok(doc)
}

/// Tab when the first line has tabs and no comma outside quotes; else comma when it has one;
/// else semicolon when it has one; else comma.
pub fn sniff_delimiter(first: &str) -> u8 {
    let mut in_quote = false;
    let (mut commas, mut tabs, mut semis) = (0, 0, 0);
    for c in first.chars() {
        match c {
            '"' => in_quote = !in_quote,
            ',' if !in_quote => commas += 1,
            '\t' if !in_quote => tabs += 1,
            ';' if !in_quote => semis += 1,
            _ => {}
        }
    }
    if tabs > 0 && commas == 0 {
        b'\t'
    } else if commas > 0 {
        b','
    } else if semis > 0 {
        b';'
    } else if tabs > 0 {
        b'\t'
    } else {
        b','
    }
}

/// Reads CSV rows leniently (ragged rows, whitespace around fields trimmed, empty rows
/// dropped); a malformed record ends the reading with what was read so far.
pub fn read_rows(text: &str, delim: u8, quote: u8) -> Vec<Vec<String>> {
    let text = skip_initial_space(text, delim as char, quote as char);
    let text = text.as_str();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .quote(quote)
        .trim(::csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in reader.records() {
        crate::budget::check();
        let Ok(rec) = rec else {
            break;
        };
        let row: Vec<String> = rec.iter().map(clean_field).collect();
        if row.iter().all(|c| c.is_empty()) {
            continue;
        }
        out.push(row);
    }
    out
}

/// Spaces and tabs after a delimiter (outside quotes) taken off, so that a field quoted after
/// them (`1231,\t"Console, Web, API"`) is one quoted field, as docutils' csv-table and most
/// spreadsheet exports mean it.
fn skip_initial_space(text: &str, delim: char, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_quote = false;
    let mut field_start = true;
    for c in text.chars() {
        if field_start && !in_quote && (c == ' ' || (c == '\t' && delim != '\t')) {
            continue;
        }
        field_start = false;
        if c == quote {
            in_quote = !in_quote;
        } else if !in_quote && (c == delim || c == '\n') {
            field_start = true;
        }
        out.push(c);
    }
    out
}

/// A field with its whitespace trimmed (a field quoted after a space keeps its quotes in the
/// csv crate's view: `a, "b"` gives ` "b"`; those are taken off here).
fn clean_field(f: &str) -> String {
    let t = f.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t[1..t.len() - 1].replace("\"\"", "\"").trim().to_string()
    } else {
        t.to_string()
    }
}

/// Pads the header and every row to one width.
pub fn square(
    mut header: Vec<String>,
    mut body: Vec<Vec<String>>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let width = body
        .iter()
        .map(|r| r.len())
        .chain(std::iter::once(header.len()))
        .max()
        .unwrap_or(0);
    header.resize(width, String::new());
    for r in &mut body {
        r.resize(width, String::new());
    }
    (header, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Block;

    fn grid(doc: &Document) -> (Vec<String>, Vec<Vec<String>>) {
        match &doc.blocks[0] {
            Block::Table(t) => match &t.body {
                TableBody::Grid(r) => (t.header.clone(), r.clone()),
                _ => panic!("not a grid"),
            },
            _ => panic!("not a table"),
        }
    }

    #[test]
    fn quoted_after_space() {
        let rows = read_rows(
            "\"Central\",\t1231,\t\"TCP\",\t\"Console, Web, API\"\n",
            b',',
            b'"',
        );
        assert_eq!(
            rows,
            vec![vec!["Central", "1231", "TCP", "Console, Web, API"]]
        );
    }

    #[test]
    fn comma_table() {
        let d = decode("Port,Protocol,Service\n80,TCP,HTTP\n443,TCP\n").unwrap();
        let (h, r) = grid(&d);
        assert_eq!(h, vec!["Port", "Protocol", "Service"]);
        assert_eq!(r[0], vec!["80", "TCP", "HTTP"]);
        assert_eq!(r[1], vec!["443", "TCP", ""]);
        assert_eq!(d.blocks.len(), 1);
    }

    #[test]
    fn tab_and_semicolon_sniffed() {
        let d = decode("Port\tService\n22\tSSH, secure shell\n").unwrap();
        let (h, r) = grid(&d);
        assert_eq!(h, vec!["Port", "Service"]);
        assert_eq!(r[0], vec!["22", "SSH, secure shell"]);
        let d = decode("Port;Service\n22;SSH\n").unwrap();
        assert_eq!(grid(&d).1[0], vec!["22", "SSH"]);
    }

    #[test]
    fn bom_blank_lines_and_quotes() {
        let d = decode("\u{feff}\n\"Port\", \"Note\"\n\n8080, \"a \"\"b\"\" c\"\n").unwrap();
        let (h, r) = grid(&d);
        assert_eq!(h, vec!["Port", "Note"]);
        assert_eq!(r, vec![vec!["8080".to_string(), "a \"b\" c".to_string()]]);
    }

    #[test]
    fn dataset_refused() {
        let e = decode(
            "id,vendor,product,release,language,document,format,port\n1,a,b,c,en,d,pdf,80\n",
        );
        assert!(matches!(e, Err(DocError::Unsupported(_))));
    }

    #[test]
    fn malformed_and_empty_no_panic() {
        assert!(decode("").unwrap().blocks.is_empty());
        let d = decode("a,b\n\"unterminated,1\n").unwrap();
        assert_eq!(grid(&d).0.len(), 2);
        let _ = decode("\u{feff}");
        let _ = decode("\"\"\"");
        let d = decode("a\n1,2,3\n").unwrap();
        assert_eq!(grid(&d).0, vec!["a", "", ""]);
    }
}
