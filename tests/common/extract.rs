//! Extracting one fixture on its own, as `portolan extract <file> --out DIR` would.

use portolan::discover::Input;
use portolan::{extract, Extraction};

/// Extracts one document under its file name (the `document` of its records).
pub fn extract_single(input: &Input) -> Extraction {
    let name = input
        .path
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned();
    let single = Input {
        document: name,
        path: input.path.clone(),
    };
    extract(&[single], &|| {})
}
