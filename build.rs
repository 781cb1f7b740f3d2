//! Embeds the built-in rule packs (`rules/<Pack>/*.toml`) in the binary.
//!
//! Writes `$OUT_DIR/builtin_rules.rs`: a sorted slice of `(path, contents)` pairs, where the path
//! is relative to `rules/` (`News/Azeri.toml`). Sorting keeps the binary reproducible.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo::rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        let relative = path
            .strip_prefix(&root)
            .expect("collected under rules/")
            .to_str()
            .expect("rule file names are UTF-8")
            .replace('\\', "/");
        writeln!(out, "    ({relative:?}, include_str!({:?})),", path.display().to_string())
            .expect("writing to a String cannot fail");
    }
    out.push_str("]\n");
    let dest = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(dest.join("builtin_rules.rs"), out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.expect("rules/ is readable").path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "toml") {
            files.push(path);
        }
    }
}
