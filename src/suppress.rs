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
    // Most lines are prose: only one that opens a comment is searched.
    line.starts_with("<!--") && DIRECTIVE.find(line).is_some_and(|m| m.start() == 0 && m.end() == line.len())
}

/// Whether `text` may hold a suppression comment: most articles have none, told by one search
/// for the word every comment has (SIMD, where `str::contains` reads byte by byte).
fn may_have_directives(text: &str) -> bool {
    static WORD: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("copydesk-"));
    WORD.find(text.as_bytes()).is_some()
}

/// Where the suppression comments are in `text`.
pub fn comments(text: &str) -> Vec<Range<usize>> {
    if !may_have_directives(text) {
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

/// The lines of a text, found once: a directive's line is then a binary search away, however
/// long the line (a scan for its ends made many directives on one huge line quadratic).
struct Lines {
    /// Where each line break is.
    breaks: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines { breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect(), len: text.len() }
    }

    /// The line holding `at`, without its line break.
    fn at(&self, at: usize) -> Range<usize> {
        let i = self.breaks.partition_point(|&b| b < at);
        let start = i.checked_sub(1).map_or(0, |j| self.breaks[j] + 1);
        let end = self.breaks.get(i).copied().unwrap_or(self.len);
        start..end
    }
}

/// The regions the directives set up, one per name (an empty name stands for every rule), and
/// the `enable` directives that ended nothing.
fn regions(text: &str, directives: &[Directive]) -> (Vec<Region>, Vec<usize>) {
    let lines = Lines::new(text);
    let mut regions = Vec::new();
    let mut idle = Vec::new();
    // The regions still open, by name: (when opened, start, directive) in order of opening.
    let mut open: std::collections::BTreeMap<String, Vec<(usize, usize, usize)>> = Default::default();
    let mut opened = 0;
    let names_of = |d: &Directive| -> Vec<String> {
        if d.names.is_empty() {
            vec![String::new()]
        } else {
            d.names.iter().map(|(n, _)| n.clone()).collect()
        }
    };
    for (i, d) in directives.iter().enumerate() {
        match d.kind {
            Kind::Disable => {
                for name in names_of(d) {
                    open.entry(name).or_default().push((opened, d.range.end, i));
                    opened += 1;
                }
            }
            Kind::Enable => {
                // `enable X` ends the regions of every name X covers (X itself, and the rules of
                // a pack X, which sort right after it); `enable` alone ends them all.
                let ended: Vec<String> = if d.names.is_empty() {
                    open.keys().cloned().collect()
                } else {
                    let mut ended: Vec<String> = Vec::new();
                    for (x, _) in &d.names {
                        let covered = open
                            .range::<str, _>((
                                std::ops::Bound::Included(x.as_str()),
                                std::ops::Bound::Unbounded,
                            ))
                            .map(|(name, _)| name)
                            .take_while(|name| name.starts_with(x.as_str()))
                            .filter(|name| !name.is_empty() && names_rule(x, name));
                        ended.extend(covered.cloned());
                    }
                    ended
                };
                let mut closed: Vec<(usize, String, usize, usize)> = Vec::new();
                for name in ended {
                    for (when, start, directive) in open.remove(&name).unwrap_or_default() {
                        closed.push((when, name.clone(), start, directive));
                    }
                }
                // In the order they were opened, as one list of them all would give.
                closed.sort_unstable_by_key(|c| c.0);
                if closed.is_empty() {
                    idle.push(i);
                }
                regions.extend(closed.into_iter().map(|(_, name, start, directive)| Region {
                    names: if name.is_empty() { Vec::new() } else { vec![name] },
                    range: start..d.range.start,
                    directive,
                }));
            }
            Kind::Line => {
                let names = d.names.iter().map(|(n, _)| n.clone()).collect();
                regions.push(Region { names, range: lines.at(d.range.start), directive: i });
            }
            Kind::NextLine => {
                // The next line with text after the comment's line.
                let mut at = lines.at(d.range.start).end;
                let mut range = at..at;
                while at < text.len() {
                    let line = lines.at(at + 1);
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
    let mut still: Vec<(usize, String, usize, usize)> = open
        .into_iter()
        .flat_map(|(name, list)| list.into_iter().map(move |(when, start, d)| (when, name.clone(), start, d)))
        .collect();
    still.sort_unstable_by_key(|c| c.0);
    regions.extend(still.into_iter().map(|(_, name, start, directive)| Region {
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
    all_ran: impl Fn() -> bool,
) {
    if !may_have_directives(text) {
        return;
    }
    let mut directives = directives(text);
    if let Some(html) = html {
        // The HTML ranges are in order and apart: the one that may hold a directive is the last
        // that starts at or before it.
        directives.retain(|d| {
            let i = html.partition_point(|h| h.start <= d.range.start);
            i.checked_sub(1).is_some_and(|i| d.range.end <= html[i].end)
        });
    }
    if directives.is_empty() {
        return;
    }
    let (regions, idle) = regions(text, &directives);
    let idle: crate::hash::Set<usize> = idle.into_iter().collect();
    let mut used = vec![false; directives.len()];
    let covering = covering(&regions, diagnostics);
    let mut covered = covering.iter();
    diagnostics.retain(|_| {
        let region = covered.next().copied().flatten();
        if let Some(region) = region {
            used[regions[region].directive] = true;
        }
        region.is_none()
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
        let names_ran = if d.names.is_empty() { all_ran() } else { d.names.iter().all(|(n, _)| ran(n)) };
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

/// For each diagnostic, the first region (in the order of `regions`) that holds its start and
/// names its rule (or every rule), if any. A sweep over the diagnostics by start keeps the
/// regions open there by the names they give, so each diagnostic looks at the few names that
/// cover its rule (`News.Azeri`, `News`, and every rule), not at every region.
fn covering(regions: &[Region], diagnostics: &[Diagnostic]) -> Vec<Option<usize>> {
    use std::cmp::Reverse;
    use std::collections::{BTreeSet, BinaryHeap};
    let mut by_start: Vec<usize> = (0..regions.len()).collect();
    by_start.sort_by_key(|&r| regions[r].range.start);
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&d| diagnostics[d].range.start);
    // Open regions by name ("" for every rule), and by end, to close them.
    let mut open: crate::hash::Map<&str, BTreeSet<usize>> = crate::hash::Map::default();
    let mut ends: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    fn names(r: &Region) -> Vec<&str> {
        if r.names.is_empty() { vec![""] } else { r.names.iter().map(String::as_str).collect() }
    }
    let mut next = 0;
    let mut out = vec![None; diagnostics.len()];
    for d in order {
        let at = diagnostics[d].range.start;
        while let Some(&r) = by_start.get(next).filter(|&&r| regions[r].range.start <= at) {
            for name in names(&regions[r]) {
                open.entry(name).or_default().insert(r);
            }
            ends.push(Reverse((regions[r].range.end, r)));
            next += 1;
        }
        while ends.peek().is_some_and(|Reverse((end, _))| *end <= at) {
            let Some(Reverse((_, r))) = ends.pop() else { break };
            for name in names(&regions[r]) {
                if let Some(set) = open.get_mut(name) {
                    set.remove(&r);
                }
            }
        }
        // The names that cover the rule: its id, each pack before a dot, and every rule.
        let rule = diagnostics[d].rule.as_str();
        let prefixes = rule.match_indices('.').map(|(i, _)| &rule[..i]);
        out[d] = std::iter::once(rule)
            .chain(prefixes)
            .chain(std::iter::once(""))
            .filter_map(|name| open.get(name).and_then(|set| set.first().copied()))
            .min();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of `text` holding `at`, without its line break (the scan the line index replaced).
    fn line_at(text: &str, at: usize) -> Range<usize> {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        start..end
    }

    /// `regions` as it was, with every open region in one list: the oracle for the new one.
    fn regions_one_by_one(text: &str, directives: &[Directive]) -> (Vec<Region>, Vec<usize>) {
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
                        d.names.is_empty()
                            || d.names.iter().any(|(x, _)| !name.is_empty() && names_rule(x, name))
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

    /// Random runs of directives give the regions (in order) and idle enables that the plain
    /// version, one list of open regions searched at every `enable`, gives.
    #[test]
    fn regions_are_those_of_one_list_of_open_regions() {
        let mut random = crate::hash::Random::new(7);
        let names = ["", "News", "News.Azeri", "News.DateStyle", "Desk.X", "Desk", "Newsroom.A"];
        let kinds = ["disable", "enable", "disable-line", "disable-next-line"];
        for _ in 0..500 {
            let mut text = String::new();
            for _ in 0..random.below(14) {
                let choices = if random.below(3) == 0 { 4 } else { 2 };
                let kind = kinds[random.below(choices)];
                let named: Vec<&str> =
                    (0..random.below(3)).map(|_| names[random.below(names.len())]).collect();
                let named = named.into_iter().filter(|n| !n.is_empty()).collect::<Vec<_>>().join(", ");
                text.push_str(&format!("<!-- copydesk-{kind} {named} -->\nSome text.\n"));
                if random.below(2) == 0 {
                    text.push('\n');
                }
            }
            let directives = directives(&text);
            let (new, new_idle) = regions(&text, &directives);
            let (old, old_idle) = regions_one_by_one(&text, &directives);
            let key = |r: &Region| (r.names.clone(), r.range.clone(), r.directive);
            assert_eq!(
                new.iter().map(key).collect::<Vec<_>>(),
                old.iter().map(key).collect::<Vec<_>>(),
                "{text}"
            );
            assert_eq!(new_idle, old_idle, "{text}");
        }
    }

    /// The sweep finds, for every diagnostic, the region the plain search of every region finds.
    #[test]
    fn covering_is_the_first_region_that_holds_and_names_the_rule() {
        let mut random = crate::hash::Random::new(99);
        let names = ["News", "News.Azeri", "News.DateStyle", "Desk.X", "Desk"];
        let rules = ["News.Azeri", "News.DateStyle", "Desk.X", "Desk.Y", "Other.Z"];
        for _ in 0..300 {
            let regions: Vec<Region> = (0..random.below(12))
                .map(|i| {
                    let start = random.below(100);
                    let names =
                        (0..random.below(3)).map(|_| names[random.below(names.len())].to_owned()).collect();
                    Region { names, range: start..start + random.below(40), directive: i }
                })
                .collect();
            let mut diagnostics: Vec<Diagnostic> = (0..random.below(30))
                .map(|_| {
                    let start = random.below(140);
                    Diagnostic {
                        rule: rules[random.below(rules.len())].to_owned(),
                        severity: Severity::Warning,
                        range: start..start + 1,
                        message: String::new(),
                        labels: Vec::new(),
                        notes: Vec::new(),
                        fix: None,
                    }
                })
                .collect();
            diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let plain: Vec<Option<usize>> = diagnostics
                .iter()
                .map(|d| {
                    regions.iter().position(|r| {
                        r.range.contains(&d.range.start)
                            && (r.names.is_empty() || r.names.iter().any(|n| names_rule(n, &d.rule)))
                    })
                })
                .collect();
            assert_eq!(covering(&regions, &diagnostics), plain, "{regions:?}");
        }
    }

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
