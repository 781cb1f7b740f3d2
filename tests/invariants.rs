//! Random documents, built from fragments that stress offsets (multi-byte characters,
//! non-breaking spaces, CRLF, a byte-order mark, Markdown of every kind, URLs, quotation and
//! inch marks), checked with every built-in rule in both formats, against the fuzz targets'
//! invariants (`fuzz/invariants.rs`): ranges, labels and fix edits on character boundaries
//! inside the document and in order, lines and columns as counted by hand, fixes that change
//! only their bytes, every output format rendering. The generator is seeded, so a failure names
//! a document that can be replayed.

#[path = "../fuzz/invariants.rs"]
mod invariants;

use copydesk::source::Format;

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

#[test]
fn random_documents_keep_every_range_on_character_boundaries() {
    let set = invariants::builtin();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let text = document(&mut rng);
        for format in [Format::Text, Format::Markdown] {
            // The fuzz targets' checks (fuzz/invariants.rs), on documents built to stress them;
            // one in ten also compared with the other ways of prefiltering (`document`).
            let checked = std::panic::catch_unwind(|| {
                let _ = invariants::check_text(set, &text, format);
                if case % 10 == 0 && format == Format::Text {
                    invariants::document(text.as_bytes());
                }
            });
            if let Err(panic) = checked {
                let message = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                panic!("case {case} ({format:?}): {message}\ndocument: {text:?}");
            }
        }
    }
}
