//! Decoders: bytes of one format in, a [`Document`] out. A decoder knows its format and nothing
//! after it. Adding a format touches one module here and the sniffing table in `discover`.

pub mod encoding;
pub mod text;

use crate::document::{Document, Format};
use crate::error::DocError;

/// Decodes a document of a known format.
pub fn decode(bytes: &[u8], format: Format) -> Result<Document, DocError> {
    match format {
        Format::Text | Format::Markdown => {
            let text = encoding::decode_text(bytes)?;
            Ok(text::decode(&text, format))
        }
        Format::Html => Err(DocError::Unsupported(
            "HTML documents are not supported yet".into(),
        )),
        Format::Pdf => Err(DocError::Unsupported(
            "PDF documents are not supported yet".into(),
        )),
    }
}
