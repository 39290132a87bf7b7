//! `portolan blocks FILE`: the document model a file decodes into, as readable text.

use super::EXIT_OK;
use anyhow::{Context, Result};
use portolan::decode::decode;
use portolan::discover;
use portolan::document::{Block, Format, TableBody};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The document to decode (in this process; a PDF that crashes the reader ends the command).
    file: PathBuf,
    /// For a PDF: print the glyphs of this page (position, size, text) instead.
    #[arg(long, hide = true)]
    glyphs: Option<u32>,
}

fn page(p: &Option<u32>) -> String {
    p.map(|p| format!("p{p} ")).unwrap_or_default()
}

pub fn run(a: Args) -> Result<i32> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    if let Some(p) = a.glyphs {
        for g in portolan::decode::pdf::page_glyphs(&bytes, p)? {
            println!(
                "{:8.2} {:8.2} {:8.2} {:6.2} mcid={:<5} {:?}",
                g.x0,
                g.x1,
                g.y,
                g.size,
                g.mcid.map_or("-".to_string(), |m| m.to_string()),
                g.text
            );
        }
        return Ok(EXIT_OK);
    }
    let format = discover::format_of(&a.file).unwrap_or(Format::Text);
    let format = discover::sniff_text(format, &bytes[..bytes.len().min(64 * 1024)]);
    let doc = decode(&bytes, format).with_context(|| format!("decoding {}", a.file.display()))?;
    let m = &doc.meta;
    println!(
        "format={} title={:?} language={:?} product={:?} release={:?}",
        format.as_str(),
        m.title,
        m.language,
        m.product,
        m.release
    );
    for w in &doc.warnings {
        println!("warning: {w}");
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { text, page: p } => println!("{}# {text}", page(p)),
            Block::Caption { text, page: p } => println!("{}caption: {text}", page(p)),
            Block::Paragraph { text, page: p } => println!("{}para: {text}", page(p)),
            Block::Note { text, page: p } => println!("{}note: {text}", page(p)),
            Block::ListItem {
                text,
                depth,
                page: p,
            } => {
                println!("{}{}- {text}", page(p), "  ".repeat(*depth as usize))
            }
            Block::Code {
                text,
                lang,
                page: p,
            } => {
                println!("{}code {lang:?}:", page(p));
                for l in text.lines() {
                    println!("    {l}");
                }
            }
            Block::Table(t) => {
                println!(
                    "{}table {} caption={:?} heading={:?}",
                    page(&t.page),
                    t.line,
                    t.caption,
                    t.heading
                );
                println!("  header: {}", t.header.join(" | "));
                match &t.body {
                    TableBody::Grid(rows) => {
                        for (i, r) in rows.iter().enumerate() {
                            let p = t
                                .row_pages
                                .get(i)
                                .map(|p| format!("p{p}"))
                                .unwrap_or_default();
                            println!("  {p:>4} | {}", r.join(" | "));
                        }
                    }
                    TableBody::Stream { cells, .. } => println!("  stream: {}", cells.join(" ¦ ")),
                }
            }
        }
    }
    Ok(EXIT_OK)
}
