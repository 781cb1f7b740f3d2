//! An article as read from disk or stdin: its display path and its text, decoded once.
//!
//! The text keeps every byte of the file (a byte-order mark included), so that every offset any
//! later stage reports is an offset into the file's bytes as read.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::lines::LineIndex;

/// The length of a UTF-8 byte-order mark at the start of `text` (0 or 3).
pub fn bom_len(text: &str) -> usize {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// Which markup the text is parsed as; chosen from the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
}

impl Format {
    /// Markdown for `.md` and `.markdown`, plain text for everything else.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("md" | "markdown") => Format::Markdown,
            _ => Format::Text,
        }
    }
}

/// One article: where it came from and its text.
#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub format: Format,
    pub text: String,
    pub lines: LineIndex,
}

impl Source {
    /// An article from text already decoded.
    pub fn new(path: PathBuf, format: Format, text: String) -> Source {
        let lines = LineIndex::new(&text);
        Source { path, format, text, lines }
    }

    /// Decodes a file's bytes, naming the byte offset of the first invalid UTF-8 sequence.
    pub fn decode(path: PathBuf, format: Format, bytes: Vec<u8>) -> Result<Source, Error> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(path, format, text)),
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let what = match err.utf8_error().error_len() {
                    Some(_) => "invalid byte sequence",
                    None => "incomplete character",
                };
                let bytes = err.into_bytes();
                let valid = std::str::from_utf8(&bytes[..offset]).expect("valid up to offset");
                let position = LineIndex::new(valid).position(valid, offset);
                Err(Error::InvalidUtf8 { path, what, offset, line: position.line, column: position.column })
            }
        }
    }

    /// The path as shown to the user, with `/` separators on every platform.
    pub fn display_path(&self) -> String {
        self.path.display().to_string().replace('\\', "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_bad_byte() {
        let bytes = b"ok line\nbad \xff here".to_vec();
        let err = Source::decode("a.txt".into(), Format::Text, bytes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.txt: not valid UTF-8: invalid byte sequence at byte 12 (line 2, column 5)"
        );
    }

    #[test]
    fn picks_markup_from_extension() {
        assert_eq!(Format::from_path(Path::new("a.MD")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("a.markdown")), Format::Markdown);
        assert_eq!(Format::from_path(Path::new("a.txt")), Format::Text);
        assert_eq!(Format::from_path(Path::new("story")), Format::Text);
    }
}
