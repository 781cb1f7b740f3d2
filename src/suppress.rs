//! Suppression comments: an editor's way to say "this is right, leave it".
//!
//! ```text
//! <!-- copydesk-disable News.Azeri, News.DateStyle -- the ministry's own wording -->
//! …
//! <!-- copydesk-enable News.Azeri, News.DateStyle -->
//! <!-- copydesk-disable-next-line News.Azeri -- quoting the statement -->
//! A paragraph whose first line is left alone.
//! A sentence. <!-- copydesk-disable-line News.RepeatedWord -->
//! ```
//!
//! The same HTML comments work in Markdown and in plain text (where a line holding only such a
//! comment is not prose). A directive names rules or packs, separated by commas or spaces, or none
//! for every rule; `--` starts an optional reason. `disable` holds until an `enable` naming the
//! same rules (or an `enable` naming none, which ends every region), or the end of the article;
//! `disable-next-line` covers the next line with text; `disable-line` its own line. A finding is
//! suppressed when it starts in a region of its rule or pack. A directive naming a rule that does
//! not exist, or one that suppresses nothing, is itself reported, at suggestion level, so stale
//! ones get cleaned up.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rule::covers as names_rule;

/// The id under which problems with suppression comments are reported.
pub const RULE: &str = "copydesk.Suppression";

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<!--[ \t]*copydesk-(disable-next-line|disable-line|disable|enable)\b((?:[^-]|-[^-])*?)(?:--[ \t]*((?:[^-]|-[^-])*?))?[ \t]*-->")
        .expect("a fixed pattern")
});

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Disable,
    Enable,
    NextLine,
    Line,
}

/// One suppression comment.
#[derive(Debug)]
struct Directive {
    kind: Kind,
    /// The comment.
    range: Range<usize>,
    /// The rules or packs named, with where each is written; empty for every rule.
    names: Vec<(String, Range<usize>)>,
}

/// A stretch of the article where some rules are off.
#[derive(Debug)]
struct Region {
    names: Vec<String>,
    range: Range<usize>,
    directive: usize,
}

/// Whether a line of plain text is a suppression comment and nothing else.
pub fn is_directive_line(line: &str) -> bool {
    let line = line.trim();
    DIRECTIVE.find(line).is_some_and(|m| m.start() == 0 && m.end() == line.len())
}

/// Where the suppression comments are in `text`.
pub fn comments(text: &str) -> Vec<Range<usize>> {
    if !text.contains("copydesk-") {
        return Vec::new();
    }
    DIRECTIVE.find_iter(text).map(|m| m.range()).collect()
}

fn directives(text: &str) -> Vec<Directive> {
    DIRECTIVE
        .captures_iter(text)
        .map(|caps| {
            let kind = match &caps[1] {
                "disable" => Kind::Disable,
                "enable" => Kind::Enable,
                "disable-next-line" => Kind::NextLine,
                _ => Kind::Line,
            };
            let list = caps.get(2).expect("group 2");
            let names = list
                .as_str()
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|n| !n.is_empty())
                .map(|n| {
                    let at = list.start() + (n.as_ptr() as usize - list.as_str().as_ptr() as usize);
                    (n.to_owned(), at..at + n.len())
                })
                .collect();
            Directive { kind, range: caps.get(0).expect("the match").range(), names }
        })
        .collect()
}

/// The line of `text` holding `at`, without its line break.
fn line_at(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    start..end
}

/// The regions the directives set up, one per name (an empty name stands for every rule), and
/// the `enable` directives that ended nothing.
fn regions(text: &str, directives: &[Directive]) -> (Vec<Region>, Vec<usize>) {
    let mut regions = Vec::new();
    let mut idle = Vec::new();
    let mut open: Vec<(String, usize, usize)> = Vec::new(); // name, start, directive
    let names_of = |d: &Directive| -> Vec<String> {
        if d.names.is_empty() {
            vec![String::new()]
        } else {
            d.names.iter().map(|(n, _)| n.clone()).collect()
        }
    };
    for (i, d) in directives.iter().enumerate() {
        match d.kind {
            Kind::Disable => open.extend(names_of(d).into_iter().map(|n| (n, d.range.end, i))),
            Kind::Enable => {
                // `enable X` ends the regions of every name X covers (a pack covers its rules);
                // `enable` alone ends them all.
                let ends = |name: &String| {
                    d.names.is_empty() || d.names.iter().any(|(x, _)| !name.is_empty() && names_rule(x, name))
                };
                let (closed, kept): (Vec<_>, Vec<_>) = open.into_iter().partition(|(n, _, _)| ends(n));
                open = kept;
                if closed.is_empty() {
                    idle.push(i);
                }
                regions.extend(closed.into_iter().map(|(name, start, directive)| Region {
                    names: if name.is_empty() { Vec::new() } else { vec![name] },
                    range: start..d.range.start,
                    directive,
                }));
            }
            Kind::Line => {
                let names = d.names.iter().map(|(n, _)| n.clone()).collect();
                regions.push(Region { names, range: line_at(text, d.range.start), directive: i });
            }
            Kind::NextLine => {
                // The next line with text after the comment's line.
                let mut at = line_at(text, d.range.start).end;
                let mut range = at..at;
                while at < text.len() {
                    let line = line_at(text, at + 1);
                    if !text[line.clone()].trim().is_empty() {
                        range = line;
                        break;
                    }
                    at = line.end;
                }
                let names = d.names.iter().map(|(n, _)| n.clone()).collect();
                regions.push(Region { names, range, directive: i });
            }
        }
    }
    regions.extend(open.into_iter().map(|(name, start, directive)| Region {
        names: if name.is_empty() { Vec::new() } else { vec![name] },
        range: start..text.len(),
        directive,
    }));
    (regions, idle)
}

/// Drops the findings the article's suppression comments cover, and adds a finding for each
/// comment that names no known rule (`known`), suppresses nothing while every rule it names
/// ran (`ran`; for a comment naming none, `all_ran`), or enables what was not disabled. In
/// Markdown only comments in raw HTML count (`html`), not examples in code.
pub fn apply(
    text: &str,
    html: Option<&[Range<usize>]>,
    diagnostics: &mut Vec<Diagnostic>,
    known: impl Fn(&str) -> bool,
    ran: impl Fn(&str) -> bool,
    all_ran: bool,
) {
    if !text.contains("copydesk-") {
        return;
    }
    let mut directives = directives(text);
    if let Some(html) = html {
        directives.retain(|d| html.iter().any(|h| h.start <= d.range.start && d.range.end <= h.end));
    }
    if directives.is_empty() {
        return;
    }
    let (regions, idle) = regions(text, &directives);
    let mut used = vec![false; directives.len()];
    diagnostics.retain(|d| {
        let covering = regions.iter().find(|r| {
            r.range.contains(&d.range.start)
                && (r.names.is_empty() || r.names.iter().any(|n| names_rule(n, &d.rule)))
        });
        if let Some(region) = covering {
            used[region.directive] = true;
        }
        covering.is_none()
    });
    let problem = |range: Range<usize>, message: String, label: Option<(Range<usize>, String)>| Diagnostic {
        rule: RULE.to_owned(),
        severity: Severity::Suggestion,
        range,
        message,
        labels: label.into_iter().map(|(range, message)| Label { range, message }).collect(),
        notes: Vec::new(),
        fix: None,
    };
    for (i, d) in directives.iter().enumerate() {
        let unknown: Vec<&(String, Range<usize>)> = d.names.iter().filter(|(n, _)| !known(n)).collect();
        for (name, range) in &unknown {
            diagnostics.push(problem(
                range.clone(),
                format!("`{name}` names no rule or pack, so this comment suppresses nothing for it"),
                None,
            ));
        }
        if idle.contains(&i) && unknown.is_empty() {
            diagnostics.push(problem(
                d.range.clone(),
                "this comment enables what no `copydesk-disable` before it disabled".to_owned(),
                None,
            ));
        }
        let names_ran = if d.names.is_empty() { all_ran } else { d.names.iter().all(|(n, _)| ran(n)) };
        let checkable = d.kind != Kind::Enable && unknown.is_empty() && names_ran;
        if checkable && !used[i] {
            diagnostics.push(problem(
                d.range.clone(),
                "this suppression comment suppresses nothing: remove it, or check the rule it names"
                    .to_owned(),
                None,
            ));
        }
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kinds_names_and_reasons() {
        let text = "<!-- copydesk-disable News.Azeri, News.DateStyle -- the ministry's wording -->\n<!-- copydesk-enable -->";
        let found = directives(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, Kind::Disable);
        let names: Vec<&str> = found[0].names.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["News.Azeri", "News.DateStyle"]);
        assert_eq!(&text[found[0].names[1].1.clone()], "News.DateStyle");
        assert_eq!(found[1].kind, Kind::Enable);
        assert!(found[1].names.is_empty());
        assert!(is_directive_line("  <!-- copydesk-disable-next-line News.Azeri -->  "));
        assert!(!is_directive_line("Text <!-- copydesk-disable-line -->"));
    }

    #[test]
    fn next_line_skips_blank_lines() {
        let text = "<!-- copydesk-disable-next-line -->\n\nAzeri forces.\nMore.";
        let (regions, _) = regions(text, &directives(text));
        assert_eq!(&text[regions[0].range.clone()], "Azeri forces.");
    }

    #[test]
    fn enable_ends_the_names_it_covers() {
        let text = "<!-- copydesk-disable News.Azeri, News.Archaic -->A<!-- copydesk-enable News.Azeri -->B\
                    <!-- copydesk-enable News -->C<!-- copydesk-enable News.Azeri -->";
        let (regions, idle) = regions(text, &directives(text));
        let ends: Vec<(String, &str)> =
            regions.iter().map(|r| (r.names.join(","), &text[r.range.end..r.range.end + 1])).collect();
        assert_eq!(ends, [("News.Azeri".to_owned(), "<"), ("News.Archaic".to_owned(), "<")]);
        assert_eq!(&text[regions[0].range.clone()], "A");
        assert_eq!(&text[regions[1].range.clone()], "A<!-- copydesk-enable News.Azeri -->B");
        assert_eq!(idle, [3], "the last enable ends nothing");
    }

    #[test]
    fn a_pack_name_covers_its_rules() {
        assert!(names_rule("News", "News.Azeri"));
        assert!(names_rule("News.Azeri", "News.Azeri"));
        assert!(!names_rule("News.Aze", "News.Azeri"));
    }
}
