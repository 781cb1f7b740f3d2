//! Random documents, built from fragments that stress offsets (multi-byte characters,
//! non-breaking spaces, CRLF, a byte-order mark, Markdown of every kind, URLs, quotation and
//! inch marks), checked with every built-in rule in both formats. Whatever the findings, their
//! ranges, labels and fix edits must lie on character boundaries inside the document, in order,
//! and render. The generator is seeded, so a failure names a document that can be replayed.

use copydesk::engine::RuleSet;
use copydesk::fix;
use copydesk::markup::Document;
use copydesk::pack;
use copydesk::render::{OutputFormat, Reporter};
use copydesk::source::{Format, Source};

const FRAGMENTS: &[&str] = &[
    "the",
    "the the",
    "Azeri",
    "Minsk Group",
    "Minsk group",
    "defence",
    "defense",
    "cease-fire",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    ".",
    ". ",
    "!",
    "?",
    ",",
    " ,",
    ";;",
    "“",
    "”",
    "\"",
    "’",
    "'",
    "12\"",
    "é",
    "Élysée",
    "\u{a0}",
    "\u{2009}",
    "𝄞",
    "中文",
    "*",
    "**",
    "_",
    "`",
    "`code`",
    "[link](http://x.test/é)",
    "<b>",
    "</b>",
    "<!-- c -->",
    "# ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n| c | d |\n",
    "```\ncode\n```\n",
    "---\nk: v\n---\n",
    "https://news.test/azeri",
    "www.azeri.test",
    "U.S.",
    "Mr.",
    "Sept. 27",
    "10am",
    "$20 million dollars",
    "e.g.",
    "Kiev",
    "chicken Kiev",
    "50%",
    "per cent",
    "percent",
    "\u{feff}",
    "\t",
    "...",
    "—",
    "(",
    ")",
    "[",
    "]",
];

/// xorshift64*: small, seeded, good enough to mix fragments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn document(rng: &mut Rng) -> String {
    let len = 1 + rng.next() % 60;
    (0..len).map(|_| FRAGMENTS[(rng.next() % FRAGMENTS.len() as u64) as usize]).collect()
}

fn builtin() -> RuleSet {
    let (set, problems) = pack::load(pack::builtin(true), false);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

fn on_boundaries(text: &str, range: &std::ops::Range<usize>) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

fn check_one(set: &RuleSet, text: &str, format: Format) -> Result<(), String> {
    let doc = Document::parse(text, format);
    if doc.prose.len() != text.len() {
        return Err("prose has another length".into());
    }
    if !doc.blocks.windows(2).all(|w| w[0].range.end <= w[1].range.start)
        || !doc.blocks.iter().all(|b| on_boundaries(text, &b.range))
    {
        return Err(format!("blocks out of order or off boundaries: {:?}", doc.blocks));
    }
    let found = set.check(text, format);
    if !found.windows(2).all(|w| w[0].sort_key() <= w[1].sort_key()) {
        return Err("findings out of order".into());
    }
    for d in &found {
        let ranges = std::iter::once(&d.range).chain(d.labels.iter().map(|l| &l.range));
        let edits = d.fix.iter().flat_map(|f| f.edits.iter().map(|e| &e.range));
        if let Some(bad) = ranges.chain(edits).find(|r| !on_boundaries(text, r)) {
            return Err(format!("{}: range {bad:?} is off the text's character boundaries", d.rule));
        }
    }
    let (fixed, _) = fix::apply(text, found.iter().filter_map(|d| d.fix.as_ref()));
    let _ = set.check(&fixed, format);
    let source = Source::new("doc".into(), format, text.to_owned());
    for output in [OutputFormat::Human, OutputFormat::Json] {
        let mut out = Vec::new();
        let mut reporter = Reporter::new(&mut out, output, false);
        reporter
            .begin()
            .and_then(|()| reporter.file(&source, &found))
            .and_then(|()| reporter.finish())
            .map_err(|e| e.to_string())?;
        if output == OutputFormat::Json {
            serde_json::from_slice::<serde_json::Value>(&out).map_err(|e| format!("invalid JSON: {e}"))?;
        }
    }
    Ok(())
}

#[test]
fn random_documents_keep_every_range_on_character_boundaries() {
    let set = builtin();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let text = document(&mut rng);
        for format in [Format::Text, Format::Markdown] {
            if let Err(problem) = check_one(&set, &text, format) {
                panic!("case {case} ({format:?}): {problem}\ndocument: {text:?}");
            }
        }
    }
}
