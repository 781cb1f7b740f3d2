//! What the fuzz targets assert, one public function a target. Shared by `fuzz_targets/*.rs`
//! (run by cargo-fuzz) and `tests/fuzz_regressions.rs`, which runs every committed input of
//! `fuzz/seeds/<target>/` and `fuzz/regressions/<target>/` through them on every `cargo test`.
//!
//! Not crashing is not enough: every range a finding, label or edit gives lies on character
//! boundaries inside the document; the line and column of an offset are those counted by hand;
//! applying fixes changes only bytes inside their edits; a rule or configuration problem points
//! inside its file; and everything renders in every output format.
#![allow(dead_code)]

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use copydesk::config;
use copydesk::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use copydesk::engine::RuleSet;
use copydesk::fix;
use copydesk::markup::Document;
use copydesk::pack::{self, FileProblem, RuleFile};
use copydesk::render::{OutputFormat, Reporter, render_problems};
use copydesk::source::{Format, Source};
use copydesk::toml_file::Problem;

/// The built-in rules, loaded once.
pub fn builtin() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| {
        let (set, problems) = pack::load(pack::builtin(true), false);
        assert!(problems.is_empty(), "the built-in rules load");
        set
    })
}

/// The built-in rules as a run over one document loads them (its prefilter an NFA, not the
/// DFA of a run over many); prefiltering every document region by region, in regions of 64
/// bytes or more (as documents of 1 MB or more are, in regions of 64 KB); and searching whole
/// blocks, not only around the places the prefilter found a rule's literals.
fn builtin_other_ways() -> &'static [RuleSet; 3] {
    static SETS: OnceLock<[RuleSet; 3]> = OnceLock::new();
    SETS.get_or_init(|| {
        let load = || pack::load(pack::builtin(true), false).0;
        let (mut one, mut regioned, mut whole) = (load(), load(), load());
        one.expect_run(1, 1);
        regioned.prefilter_regions(0, 64);
        whole.search_whole_blocks();
        [one, regioned, whole]
    })
}

/// Arbitrary bytes as an article: decoded as a file is (an error must name the first bad byte),
/// then parsed, segmented and checked with every built-in rule as plain text and as Markdown;
/// the findings are the same however the prefilter searched.
pub fn document(bytes: &[u8]) {
    match Source::decode("fuzz.md".into(), Format::Markdown, bytes.to_vec()) {
        Err(err) => {
            let valid = std::str::from_utf8(bytes).expect_err("decoding failed").valid_up_to();
            let message = err.to_string();
            assert!(message.contains(&format!(" at byte {valid} (")), "{message}");
        }
        Ok(source) => {
            for format in [Format::Text, Format::Markdown] {
                let found = check_text(builtin(), &source.text, format);
                let ways = ["with an NFA", "region by region", "searching whole blocks"];
                for (set, how) in builtin_other_ways().iter().zip(ways) {
                    assert!(set.check(&source.text, format) == found, "other findings prefiltered {how}");
                }
            }
        }
    }
}

/// Arbitrary bytes as a rule file of a newsroom's pack, loaded beside the built-in packs with its
/// examples verified. Its problems point inside it and render; a rule that loads is run over a
/// sample article and over its own text.
pub fn rule_file(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let mut files = pack::builtin(false);
    files.push(RuleFile {
        path: "fuzz/Desk/Rule.toml".into(),
        pack: "Desk".into(),
        name: "Rule".into(),
        text: text.to_owned(),
        builtin: false,
    });
    let (set, problems) = pack::load(files, true);
    for p in &problems {
        let file = &set.files[p.file];
        assert_on_boundaries(&file.text, &p.problem.span, &p.problem.message);
    }
    render_problems(&set.files, &problems, false).expect("problems render");
    if problems.is_empty() {
        for format in [Format::Text, Format::Markdown] {
            let _ = check_text(&set, SAMPLE, format);
            let _ = check_text(&set, text, format);
        }
    }
}

/// Arbitrary bytes as a `copydesk.toml`: its problems, and those found against the built-in
/// rules, point inside it and render; a configuration that parses answers for any path.
pub fn config(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let (parsed, mut problems) = config::parse(Path::new("fuzz/copydesk.toml"), text.to_owned());
    if let Some(parsed) = &parsed {
        problems.extend(parsed.check_against(builtin(), &[]));
        for path in ["fuzz/story.md", "fuzz/drafts/2020/a.txt", "elsewhere/b.md", "fuzz/copydesk.toml"] {
            let _ = parsed.walks_into(Path::new(path));
            let _ = parsed.overrides_for(Path::new(path)).count();
        }
    }
    for p in &problems {
        assert_on_boundaries(text, &p.span, &p.message);
    }
    let file = RuleFile {
        path: "fuzz/copydesk.toml".into(),
        pack: String::new(),
        name: "copydesk".into(),
        text: text.to_owned(),
        builtin: false,
    };
    let problems: Vec<FileProblem> =
        problems.into_iter().map(|problem: Problem| FileProblem { file: 0, problem }).collect();
    render_problems(&[file], &problems, false).expect("problems render");
}

/// Arbitrary fixes over arbitrary text: the first bytes describe up to eight fixes of up to three
/// edits each (which may be off the text, inside a character, or overlap), the rest is the text.
/// Fixes that cannot apply are refused, never half-applied; the result differs from the text
/// only inside edits; a fix that is valid alone is exactly its edits.
pub fn fixes(bytes: &[u8]) {
    const HEADER: usize = 48;
    const REPLACEMENTS: [&str; 6] = ["", "x", "é", "\n", "Azerbaijani", "“quoted”"];
    let (header, rest) = bytes.split_at(bytes.len().min(HEADER));
    let text = String::from_utf8_lossy(rest).into_owned();
    let limit = text.len() + 2;
    let mut fixes: Vec<Fix> = Vec::new();
    for record in header.chunks_exact(6) {
        let start = usize::from(u16::from_le_bytes([record[0], record[1]])) % limit;
        let end = start + usize::from(record[2] % 32);
        let edit =
            Edit { range: start..end, replacement: REPLACEMENTS[usize::from(record[3]) % 6].to_owned() };
        // The fifth byte joins this edit to the fix before it.
        match fixes.last_mut() {
            Some(fix) if record[4] % 3 == 0 && fix.edits.len() < 3 => fix.edits.push(edit),
            _ => fixes.push(Fix {
                title: "fuzz".into(),
                edits: vec![edit],
                applicability: if record[5] % 2 == 0 { Applicability::Safe } else { Applicability::Unsafe },
            }),
        }
    }
    let (out, applied) = fix::apply(&text, &fixes);
    let (taken, count) = taken_by_contract(&text, &fixes);
    assert_eq!((out.as_str(), applied), (splice(&text, &taken).as_str(), count), "{fixes:?}");
    let valid: Vec<Range<usize>> = fixes
        .iter()
        .flat_map(|f| &f.edits)
        .map(|e| e.range.clone())
        .filter(|r| r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .collect();
    assert_changed_only_inside(&text, &out, &valid);
    for fix in &fixes {
        let fits = fix.edits.iter().enumerate().all(|(i, e)| {
            valid.contains(&e.range)
                && fix.edits[..i].iter().all(|o| e.range.end <= o.range.start || o.range.end <= e.range.start)
        });
        let (alone, count) = fix::apply(&text, [fix]);
        if fits {
            assert_eq!(count, 1, "a valid fix applies: {fix:?}");
            assert_eq!(alone, splice(&text, &fix.edits), "a fix is exactly its edits");
        } else {
            assert_eq!((count, alone.as_str()), (0, text.as_str()), "an invalid fix is refused whole");
        }
    }
}

/// The edits `fix::apply` takes by its contract, worked out on their own, and how many fixes:
/// in order of their first edit, each fix whose edits all lie on character boundaries inside
/// the text, apart from each other and from every edit taken before it, is taken whole.
fn taken_by_contract(text: &str, fixes: &[Fix]) -> (Vec<Edit>, usize) {
    let apart = |a: &Range<usize>, b: &Range<usize>| a.end <= b.start || b.end <= a.start;
    let mut order: Vec<&Fix> = fixes.iter().filter(|f| !f.edits.is_empty()).collect();
    order.sort_by_key(|f| f.edits.iter().map(|e| (e.range.start, e.range.end)).min());
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    for fix in order {
        let inside = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        let own_apart = fix
            .edits
            .iter()
            .enumerate()
            .all(|(i, e)| fix.edits.iter().skip(i + 1).all(|o| apart(&e.range, &o.range)));
        let free = fix.edits.iter().all(|e| taken.iter().all(|t| apart(&e.range, &t.range)));
        if inside && own_apart && free {
            taken.extend(fix.edits.iter().cloned());
            count += 1;
        }
    }
    (taken, count)
}

/// A sample article for rules that load: a few lines of every kind the built-in rules read.
const SAMPLE: &str = "\u{feff}# Talks\r\n\nAzeri forces moved on Saturday, Oct. 3rt, the the ministry said.\n\n\
> “Some 200 people have been killed,” he said (in Stepanakert.\n\n- Minsk Group\n- Minsk group\n\n\
`code Azeri` and [a link](https://news.test/azeri) at 10am.\n";

/// Checks one text with `set` in `format`, asserts every invariant of its findings, and returns
/// them.
pub fn check_text(set: &RuleSet, text: &str, format: Format) -> Vec<Diagnostic> {
    let doc = Document::parse(text, format);
    assert_eq!(doc.prose.len(), text.len(), "the prose keeps the text's offsets");
    for pair in doc.blocks.windows(2) {
        assert!(pair[0].range.end <= pair[1].range.start, "blocks in order: {:?}", doc.blocks);
    }
    for block in &doc.blocks {
        assert_on_boundaries(text, &block.range, "a block");
    }
    let found = set.check(text, format);
    assert!(found.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key()), "findings in order");
    let source = Source::new("fuzz".into(), format, text.to_owned());
    let mut edits = Vec::new();
    for d in &found {
        let ranges = std::iter::once(&d.range).chain(d.labels.iter().map(|l| &l.range));
        for range in ranges {
            assert_on_boundaries(text, range, &d.rule);
            assert_position(&source, range.start);
            assert_position(&source, range.end);
        }
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                assert_on_boundaries(text, &edit.range, &d.rule);
                edits.push(edit.range.clone());
            }
            let (alone, count) = fix::apply(text, [fix]);
            assert_eq!(count, 1, "{}: a fix's own edits never overlap: {fix:?}", d.rule);
            assert_eq!(alone, splice(text, &fix.edits), "{}", d.rule);
        }
    }
    let (fixed, _) = fix::apply(text, found.iter().filter_map(|d| d.fix.as_ref()));
    assert_changed_only_inside(text, &fixed, &edits);
    let _ = set.check(&fixed, format);
    for output in [
        OutputFormat::Human,
        OutputFormat::Short,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Junit,
        OutputFormat::Rdjson,
    ] {
        let mut out = Vec::new();
        let mut reporter = Reporter::new(&mut out, output, false);
        reporter
            .begin()
            .and_then(|()| reporter.file(&source, &found))
            .and_then(|()| reporter.finish())
            .expect("renders");
        let out = String::from_utf8(out).expect("output is UTF-8");
        if matches!(output, OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Rdjson) {
            serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
        }
    }
    found
}

fn assert_on_boundaries(text: &str, range: &Range<usize>, what: &str) {
    assert!(
        range.start <= range.end
            && range.end <= text.len()
            && text.is_char_boundary(range.start)
            && text.is_char_boundary(range.end),
        "{what}: range {range:?} is not on character boundaries of a text of {} bytes",
        text.len()
    );
}

/// The line and column the index gives for `offset`, against those counted by hand: lines after
/// each `\n`, columns in characters, a byte-order mark not counted.
fn assert_position(source: &Source, offset: usize) {
    let text = &source.text;
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let at = offset.max(bom);
    let before = &text[..at];
    let line = 1 + before.matches('\n').count();
    let start = before.rfind('\n').map_or(bom, |i| i + 1);
    let column = 1 + text[start..at].chars().count();
    let p = source.lines.position(text, offset);
    assert_eq!((p.line, p.column), (line, column), "position of byte {offset}");
}

/// The text with `edits` (non-overlapping, on boundaries) applied.
fn splice(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::new();
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `out` keeps, in order, every stretch of `text` outside `edits`: it may differ only inside them.
pub fn assert_changed_only_inside(text: &str, out: &str, edits: &[Range<usize>]) {
    let mut edits = edits.to_vec();
    edits.sort_by_key(|r| (r.start, r.end));
    let mut kept: Vec<&str> = Vec::new();
    let mut at = 0;
    for e in &edits {
        if e.start > at {
            kept.push(&text[at..e.start]);
        }
        at = at.max(e.end);
    }
    let tail = &text[at.min(text.len())..];
    if edits.is_empty() {
        assert_eq!(out, text, "no edits, no change");
        return;
    }
    let head = if edits[0].start == 0 { "" } else { kept.first().copied().unwrap_or("") };
    assert!(out.starts_with(head), "the text before the first edit is kept");
    assert!(out.ends_with(tail), "the text after the last edit is kept");
    assert!(out.len() >= head.len() + tail.len(), "the text around the edits is kept");
    let mut rest = &out[head.len()..out.len() - tail.len()];
    for piece in kept.iter().skip(usize::from(!head.is_empty())) {
        let found =
            rest.find(piece).unwrap_or_else(|| panic!("kept text {piece:?} is missing from the fixed text"));
        rest = &rest[found + piece.len()..];
    }
}
