//! Plain-text articles: blocks are runs of lines separated by blank lines; a line holding only a
//! suppression comment (`<!-- copydesk-disable … -->`) is skipped, and does not end a block.
//!
//! A one-line block with no closing punctuation is a heading when it opens the article or is in
//! title case, the way wire stories put a headline first and subheads between paragraphs.

use super::{Block, Document, Scope, build_prose};
use crate::source::bom_len;

pub(super) fn parse(text: &str) -> Document<'_> {
    let bom = bom_len(text);
    let mut blocks = Vec::new();
    let mut block_start: Option<usize> = None;
    let mut block_end = bom;
    let mut line_start = bom;
    while line_start < text.len() {
        let line_end =
            memchr::memchr(b'\n', &text.as_bytes()[line_start..]).map_or(text.len(), |i| line_start + i + 1);
        let line = &text[line_start..line_end];
        let trimmed = line.trim();
        // A line holding only a suppression comment is no prose, but it does not end a
        // paragraph: it may stand inside a hard-wrapped one.
        if crate::suppress::is_directive_line(trimmed) {
            line_start = line_end;
            continue;
        }
        if trimmed.is_empty() {
            if let Some(start) = block_start.take() {
                blocks.push(new_block(text, start..block_end, blocks.is_empty()));
            }
        } else {
            let lead = line.len() - line.trim_start().len();
            block_start.get_or_insert(line_start + lead);
            block_end = line_start + line.trim_end().len();
        }
        line_start = line_end;
    }
    if let Some(start) = block_start {
        blocks.push(new_block(text, start..block_end, blocks.is_empty()));
    }
    // Everything after the byte-order mark is prose, but for suppression comments and the bare
    // URLs `build_prose` finds.
    let mut prose_ranges = Vec::new();
    let mut at = bom;
    for comment in crate::suppress::comments(text) {
        prose_ranges.push(at..comment.start.max(at));
        at = comment.end;
    }
    prose_ranges.push(at..text.len());
    let prose = build_prose(text, &prose_ranges, &[], &blocks);
    Document::new(text, prose, blocks, None)
}

fn new_block(text: &str, range: std::ops::Range<usize>, first: bool) -> Block {
    let body = &text[range.clone()];
    let scope = if is_heading(body, first) { Scope::Heading } else { Scope::Paragraph };
    Block { range, scope }
}

fn is_heading(body: &str, first: bool) -> bool {
    if body.len() > 200 || memchr::memchr(b'\n', body.as_bytes()).is_some() {
        return false;
    }
    let ends_sentence =
        body.trim_end_matches(['"', '\'', '”', '’', ')']).ends_with(['.', '!', '?', ':', ';', ',']);
    if ends_sentence {
        return false;
    }
    first || is_title_case(body)
}

/// Every word of four letters or more starts with a capital, and there are at least two.
fn is_title_case(body: &str) -> bool {
    let mut long_words = 0;
    for word in body.split(|c: char| !c.is_alphanumeric()) {
        if word.chars().count() >= 4 && word.chars().all(char::is_alphabetic) {
            if !word.starts_with(char::is_uppercase) {
                return false;
            }
            long_words += 1;
        }
    }
    long_words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<(&str, Scope)> {
        parse(text).blocks.iter().map(|b| (&text[b.range.clone()], b.scope)).collect()
    }

    #[test]
    fn splits_on_blank_lines_and_trims() {
        let text = "Headline here\n\n  First para\nwraps here. \r\n\r\nSecond para.\n";
        assert_eq!(
            blocks(text),
            vec![
                ("Headline here", Scope::Heading),
                ("First para\nwraps here.", Scope::Paragraph),
                ("Second para.", Scope::Paragraph),
            ]
        );
    }

    #[test]
    fn title_case_line_is_a_subhead() {
        let text = "Body text here.\n\nMarkets React To The News\n\nMore body text.";
        assert_eq!(blocks(text)[1], ("Markets React To The News", Scope::Heading));
        let text = "Body text here.\n\nAdditional reporting by Jane Doe\n";
        assert_eq!(blocks(text)[1].1, Scope::Paragraph);
    }

    #[test]
    fn plain_text_is_its_own_prose_but_for_urls() {
        let text = "Azeri forces.\n\nMore at https://azeri.test/x.\n";
        let doc = parse(text);
        assert_eq!(&doc.prose[..23], &text[..23]);
        assert!(!doc.prose.contains("azeri.test"));
        let plain = parse("Plain words.\n");
        assert!(matches!(plain.prose, std::borrow::Cow::Borrowed(_)), "no copy when nothing is blanked");
    }

    #[test]
    fn byte_order_mark_is_not_prose() {
        let text = "\u{feff}Azeri forces.";
        let doc = parse(text);
        assert_eq!(doc.blocks[0].range, 3..text.len());
        assert_eq!(doc.prose.len(), text.len());
        assert_eq!(&doc.prose[3..], "Azeri forces.");
    }
}
