//! Decoders: bytes of one format in, a [`Document`] out. A decoder knows its format and nothing
//! after it. Adding a format touches one module here and the sniffing table in `discover`.

pub mod encoding;
pub mod html;
pub mod text;

use crate::document::{Block, Document, Format, Table, TableBody};
use crate::error::DocError;

/// Decodes a document of a known format.
pub fn decode(bytes: &[u8], format: Format) -> Result<Document, DocError> {
    match format {
        Format::Text | Format::Markdown => {
            let text = encoding::decode_text(bytes)?;
            Ok(text::decode(&text, format))
        }
        Format::Html => html::decode(bytes),
        Format::Pdf => Err(DocError::Unsupported(
            "PDF documents are not supported yet".into(),
        )),
    }
}

/// Collects blocks in order and keeps the context a table takes its title from: the last
/// heading, and a caption ("Table 1: ...") waiting for the next table.
#[derive(Default)]
pub struct BlockBuilder {
    pub blocks: Vec<Block>,
    heading: Option<String>,
    caption: Option<String>,
}

impl BlockBuilder {
    pub fn heading(&mut self, text: String) {
        self.blocks.push(Block::Heading {
            text: text.clone(),
            page: None,
        });
        self.heading = Some(text);
        self.caption = None;
    }

    pub fn caption(&mut self, text: String) {
        self.blocks.push(Block::Caption {
            text: text.clone(),
            page: None,
        });
        self.caption = Some(text);
    }

    /// Adds a table; its own caption (HTML `<caption>`) wins over a waiting one.
    pub fn table(
        &mut self,
        header: Vec<String>,
        caption: Option<String>,
        body: TableBody,
        line: usize,
    ) {
        let waiting = self.caption.take();
        self.blocks.push(Block::Table(Table {
            caption: caption.or(waiting),
            heading: self.heading.clone(),
            header,
            body,
            page: None,
            line,
        }));
    }
}
