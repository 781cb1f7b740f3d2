//! Markdown articles, parsed with pulldown-cmark's offset iterator.
//!
//! Prose is headings, paragraphs, list items, block quotes, table cells, emphasis, link text and
//! image alt text. Fenced and indented code, inline code, raw HTML (comments included), link
//! destinations and YAML or TOML front matter are not prose and are blanked.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{Block, Document, Scope, build_prose};
use crate::source::bom_len;

pub(super) fn parse(text: &str) -> Document<'_> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut prose_ranges: Vec<Range<usize>> = Vec::new();
    let mut atom_ranges: Vec<Range<usize>> = Vec::new();
    let mut html: Vec<Range<usize>> = Vec::new();
    let mut walker = Walker { blocks: Vec::new(), containers: Vec::new(), open: None };
    // Depth inside code blocks, HTML blocks and front matter, whose text is never prose.
    let mut hidden = 0usize;
    // Depth inside autolinks (`<https://…>`), whose text is a URL.
    let mut autolinks = 0usize;
    let bom = bom_len(text);
    for (event, range) in Parser::new_ext(&text[bom..], options).into_offset_iter() {
        let range = range.start + bom..range.end + bom;
        match event {
            Event::Start(Tag::Paragraph) => walker.open_block(range, None),
            Event::Start(Tag::Heading { .. }) => walker.open_block(range, Some(Scope::Heading)),
            Event::Start(Tag::TableCell) => walker.open_block(range, Some(Scope::Table)),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell) => {
                walker.close_block();
            }
            Event::Start(Tag::Item) => walker.enter(Scope::List),
            Event::Start(Tag::BlockQuote(_)) => walker.enter(Scope::Quote),
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => walker.leave(),
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                walker.close_block();
                hidden += 1;
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_)) => {
                hidden = hidden.saturating_sub(1);
            }
            Event::Start(Tag::Link { link_type: LinkType::Autolink | LinkType::Email, .. }) => {
                autolinks += 1;
            }
            Event::End(TagEnd::Link) if autolinks > 0 => autolinks -= 1,
            Event::Text(_) if hidden == 0 => {
                walker.extend(range.clone());
                if autolinks == 0 {
                    prose_ranges.push(range);
                } else {
                    atom_ranges.push(range);
                }
            }
            Event::Code(_) | Event::InlineMath(_) | Event::DisplayMath(_) | Event::FootnoteReference(_)
                if hidden == 0 =>
            {
                walker.extend(range.clone());
                atom_ranges.push(range);
            }
            Event::SoftBreak | Event::HardBreak if hidden == 0 => walker.extend(range),
            Event::Html(_) | Event::InlineHtml(_) => html.push(range),
            _ => {}
        }
    }
    walker.close_block();
    let mut blocks = walker.blocks;
    blocks.sort_by_key(|b| b.range.start);
    let prose = build_prose(text, &prose_ranges, &atom_ranges, &blocks);
    Document::new(text, prose, blocks, Some(html))
}

struct Walker {
    blocks: Vec<Block>,
    /// Enclosing list items and block quotes, innermost last.
    containers: Vec<Scope>,
    /// The leaf block being filled: its range so far and its scope.
    open: Option<Block>,
}

impl Walker {
    fn container_scope(&self) -> Scope {
        self.containers.last().copied().unwrap_or(Scope::Paragraph)
    }

    fn open_block(&mut self, range: Range<usize>, scope: Option<Scope>) {
        self.close_block();
        let scope = scope.unwrap_or_else(|| self.container_scope());
        // The range grows as prose arrives; an explicit block starts empty at its first byte.
        self.open = Some(Block { range: range.start..range.start, scope });
    }

    /// Adds a run of prose to the open block, opening an implicit one for a tight list item.
    fn extend(&mut self, range: Range<usize>) {
        let scope = self.container_scope();
        let block = self.open.get_or_insert(Block { range: range.start..range.start, scope });
        if block.range.is_empty() {
            block.range.start = range.start;
        }
        block.range.end = block.range.end.max(range.end);
    }

    fn close_block(&mut self) {
        if let Some(block) = self.open.take() {
            if !block.range.is_empty() {
                self.blocks.push(block);
            }
        }
    }

    fn enter(&mut self, scope: Scope) {
        self.close_block();
        self.containers.push(scope);
    }

    fn leave(&mut self) {
        self.close_block();
        self.containers.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(String, Scope)> {
        let doc = parse(text);
        doc.blocks
            .iter()
            .map(|b| (doc.prose[b.range.clone()].split_whitespace().collect::<Vec<_>>().join(" "), b.scope))
            .collect()
    }

    #[test]
    fn keeps_prose_and_blanks_the_rest() {
        let text = "---\ntitle: Azeri\n---\n# Minsk *Group*\n\nSee [the report](http://x.test/Azeri) and `Azeri`.\n\n```\nAzeri code\n```\n\n    indented code\n\n<div>Azeri html</div>\n\n![Azeri alt](pic.png)\n";
        assert_eq!(
            blocks(text),
            vec![
                // Markup inside a block is a filler that is neither a word nor a space.
                ("Minsk \u{1f}Group".to_string(), Scope::Heading),
                (
                    // `](` and `)` are markers; the link's URL, like inline code, is an atom.
                    format!(
                        "See \u{1f}the report\u{1f}\u{1f}{}\u{1f} and {}.",
                        "\u{1a}".repeat(19),
                        "\u{1a}".repeat(7)
                    ),
                    Scope::Paragraph
                ),
                ("Azeri alt".to_string(), Scope::Paragraph),
            ]
        );
        let doc = parse(text);
        assert_eq!(doc.prose.len(), text.len());
        assert!(!doc.prose.contains("title"));
        assert!(!doc.prose.contains("x.test"));
        assert!(!doc.prose.contains("code"));
        assert!(!doc.prose.contains("html"));
    }

    #[test]
    fn scopes_of_lists_quotes_and_tables() {
        let text =
            "- tight item\n- another\n\n> quoted para\n\n| Head | Col |\n|---|---|\n| cell one | two |\n";
        assert_eq!(
            blocks(text),
            vec![
                ("tight item".to_string(), Scope::List),
                ("another".to_string(), Scope::List),
                ("quoted para".to_string(), Scope::Quote),
                ("Head".to_string(), Scope::Table),
                ("Col".to_string(), Scope::Table),
                ("cell one".to_string(), Scope::Table),
                ("two".to_string(), Scope::Table),
            ]
        );
    }

    #[test]
    fn offsets_survive_crlf_and_byte_order_mark() {
        let text = "\u{feff}# Title\r\n\r\nAzeri forces.\r\n";
        let doc = parse(text);
        let para = &doc.blocks[1];
        assert_eq!(&text[para.range.clone()], "Azeri forces.");
    }

    #[test]
    fn prose_keeps_the_texts_length_and_character_boundaries() {
        let text = "> “Azeri” *é*, `ü€𝄞` and <b>é</b> [x](http://é.test/€)\n> next line\n";
        let doc = parse(text);
        assert_eq!(doc.prose.len(), text.len());
        for i in 0..text.len() {
            assert_eq!(text.is_char_boundary(i), doc.prose.is_char_boundary(i), "at byte {i}");
        }
        // The quote marker that opens the second line is a space, so a phrase may run across it.
        let second = text.find("next").unwrap();
        assert_eq!(&doc.prose[second - 2..second], "  ");
        // Emphasis and links leave no space before the comma or between the words they touch.
        assert!(!doc.prose.contains(" ,"));
    }

    #[test]
    fn bare_urls_are_not_prose() {
        let text = "See https://news.test/azeri-forces, or www.azeri.test.\n";
        let doc = parse(text);
        assert!(!doc.prose.contains("azeri"), "{:?}", doc.prose);
        assert!(doc.prose.ends_with(&format!(", or {}.\n", "\u{1a}".repeat(14))), "{:?}", doc.prose);
    }

    #[test]
    fn autolink_and_html_comment_are_not_prose() {
        let text = "Visit <https://azeri.test> now <!-- Azeri note --> ok.\n";
        let doc = parse(text);
        assert!(!doc.prose.contains("azeri"));
        assert!(!doc.prose.contains("Azeri"));
        assert!(doc.prose.contains("Visit"));
    }
}
