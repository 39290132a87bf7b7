//! The document model every decoder returns. Decoders know their format and nothing after it;
//! everything that understands ports reads only this.

use serde::Serialize;

/// The input formats portolan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Markdown,
    Text,
    AsciiDoc,
    Rst,
    /// Comma- or tab-separated spreadsheets (`.csv`, `.tsv`).
    Csv,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::AsciiDoc => "asciidoc",
            Format::Rst => "rst",
            Format::Csv => "csv",
        }
    }
}

/// What the document (or a sidecar, or its path) says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub vendor: String,
    pub product: String,
    pub release: String,
    /// BCP 47 language tag when metadata states it.
    pub language: Option<String>,
    pub title: String,
}

/// How a table's body was laid out in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableBody {
    /// A rectangular grid: one entry per row, one cell per column (spans already resolved).
    Grid(Vec<Vec<String>>),
    /// A flat run of cells whose row breaks were lost (one cell per line, empty cells dropped,
    /// or a pipe table broken over lines). Rows are rebuilt from the header and cell shapes.
    Stream {
        cells: Vec<String>,
        continuation: bool,
    },
}

impl TableBody {
    /// Every cell, row by row.
    pub fn cells(&self) -> Box<dyn Iterator<Item = &String> + '_> {
        match self {
            TableBody::Grid(rows) => Box::new(rows.iter().flatten()),
            TableBody::Stream { cells, .. } => Box::new(cells.iter()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The caption or title the source gives the table ("Table 1: Cisco Finesse Server").
    pub caption: Option<String>,
    /// The nearest heading above the table.
    pub heading: Option<String>,
    pub header: Vec<String>,
    pub body: TableBody,
    pub page: Option<u32>,
    /// The page of each body row of a grid, when the table runs over pages (else empty).
    pub row_pages: Vec<u32>,
    /// Where the table starts in the source (line, or table number for HTML); for reports.
    pub line: usize,
    /// The last row runs on past the table's end: a page broke it, and the print left it
    /// open (no rule under it). The next fragment's first row finishes it.
    pub last_row_open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading {
        text: String,
        page: Option<u32>,
    },
    Caption {
        text: String,
        page: Option<u32>,
    },
    Paragraph {
        text: String,
        page: Option<u32>,
    },
    Note {
        text: String,
        page: Option<u32>,
    },
    /// One item of a bullet, numbered or definition list (`term: definition` for the last),
    /// its text on one line; `depth` is 0 for a top-level item.
    ListItem {
        text: String,
        depth: u8,
        page: Option<u32>,
    },
    /// A literal or code block, as written (lines kept); `lang` is its info string, if any.
    Code {
        text: String,
        lang: String,
        page: Option<u32>,
    },
    Table(Table),
}

#[derive(Debug, Clone, Default)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    /// Problems the decoder met but could work around.
    pub warnings: Vec<String>,
    /// How the decoder found the tables, when it had more than one way (PDF: "structure
    /// tree" or "layout").
    pub tables_read_by: Option<&'static str>,
}

impl Document {
    /// What the document says it is about: its title, else its first heading.
    pub fn subject(&self) -> &str {
        if !self.meta.title.is_empty() {
            return &self.meta.title;
        }
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Heading { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The tables, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// All running text (headings, paragraphs, notes, table cells) for language detection.
    pub fn text_sample(&self, limit: usize) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            if out.len() >= limit {
                break;
            }
            match b {
                Block::Heading { text, .. }
                | Block::Caption { text, .. }
                | Block::Paragraph { text, .. }
                | Block::Note { text, .. }
                | Block::ListItem { text, .. } => {
                    out.push_str(text);
                    out.push('\n');
                }
                Block::Code { .. } => {}
                Block::Table(t) => {
                    out.push_str(&t.header.join(" "));
                    out.push('\n');
                    match &t.body {
                        TableBody::Grid(rows) => {
                            for r in rows {
                                out.push_str(&r.join(" "));
                                out.push('\n');
                            }
                        }
                        TableBody::Stream { cells, .. } => {
                            out.push_str(&cells.join(" "));
                            out.push('\n');
                        }
                    }
                }
            }
        }
        out
    }
}
