//! copydesk: an editorial style-and-accuracy linter for news copy.
//!
//! The pipeline runs one way, with byte offsets into the original file all the way:
//! `walk` reads articles → `markup` finds the prose blocks → `segment` finds sentences, words and
//! quotations → the `engine` runs each rule's kind (`kinds`) → `render` prints the findings.
//! Rules are TOML files (`rule`, `pack`), compiled once; mistakes in them are problems with spans
//! (`toml_file`). The core (`markup`, `segment`, `kinds`, `engine`) does no I/O.

pub mod baseline;
pub mod calendar;
pub(crate) mod changed;
pub mod cli;
pub mod config;
pub(crate) mod dfa;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod examples;
pub mod fix;
pub(crate) mod hash;
pub mod kinds;
pub mod lines;
pub mod markup;
pub mod pack;
pub(crate) mod pattern;
pub mod render;
pub mod rule;
pub mod segment;
pub mod source;
pub mod suppress;
pub(crate) mod template;
pub mod toml_file;
pub(crate) mod walk;
pub(crate) mod write;
