//! Turning the command line's paths into articles: files, directories (recursively, honouring
//! `.gitignore`), quoted globs (`'drafts/**/*.md'`) and `-` for stdin. Reading and decoding them.
//!
//! Directories yield `.md`, `.markdown` and `.txt` files; a file named on the command line or
//! matched by a glob is read whatever its extension (plain text unless Markdown). The list is
//! sorted and without duplicates, so output order never depends on the file system.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::source::{Format, Source};

/// Extensions read when walking a directory.
const ARTICLE_EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// How many leading bytes are looked at to tell a binary file.
const BINARY_SNIFF: usize = 8192;

/// One thing to check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    Stdin,
    File(PathBuf, Walked),
}

/// Whether a directory walk found the file, and saw then that it was a regular file: it is
/// opened without asking its path what it is first. Inputs compare by their paths alone: two
/// of one path are one input, whatever this says.
#[derive(Clone, Copy, Debug)]
pub struct Walked(pub bool);

impl PartialEq for Walked {
    fn eq(&self, _: &Walked) -> bool {
        true
    }
}

impl Eq for Walked {}

impl PartialOrd for Walked {
    fn partial_cmp(&self, other: &Walked) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Walked {
    fn cmp(&self, _: &Walked) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

/// What reading an input gave.
pub enum Article {
    Text(Source),
    /// A file with NUL bytes: not an article, skipped with a note.
    Binary(PathBuf),
}

/// Expands arguments into inputs; problems (a missing path, a glob matching nothing) are
/// returned beside the inputs that were found.
pub fn expand(args: &[String]) -> (Vec<Input>, Vec<Error>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let path = Path::new(arg);
        if path.is_dir() {
            walk_dir(path, &mut inputs, &mut errors);
        } else if path.exists() || path.is_symlink() {
            inputs.push(Input::File(clean(path.to_owned()), Walked(false)));
        } else if arg.contains(['*', '?', '[']) {
            glob_files(arg, &mut inputs, &mut errors);
        } else {
            errors.push(Error::Missing { path: path.to_owned() });
        }
    }
    (in_order(inputs), errors)
}

/// The inputs sorted, and without duplicates.
fn in_order(inputs: Vec<Input>) -> Vec<Input> {
    // In the order of `Input`'s `Ord` (paths component by component), by a key of bytes made
    // once per path: comparing paths parses their components at every comparison. A Windows
    // prefix (`C:`, `\\?\`) orders by its parsed form (`c:` is `C:`), which the key does not
    // have: paths with one are compared as paths.
    let prefixed = |input: &Input| match input {
        Input::File(path, _) => matches!(path.components().next(), Some(std::path::Component::Prefix(_))),
        Input::Stdin => false,
    };
    if inputs.len() < 2 {
        return inputs;
    }
    if inputs.iter().any(prefixed) {
        let mut inputs = inputs;
        inputs.sort();
        inputs.dedup();
        return inputs;
    }
    // The keys one after another in one buffer, each by where it ends. Room is made once: a
    // path's key has its bytes, two more for each component, and one.
    let room = |input: &Input| match input {
        Input::File(path, _) => 2 * path.as_os_str().len() + 4,
        Input::Stdin => 1,
    };
    let mut keys = Vec::with_capacity(inputs.iter().map(room).sum());
    let ends: Vec<usize> = inputs
        .iter()
        .map(|input| {
            sort_key(input, &mut keys);
            keys.len()
        })
        .collect();
    let key = |i: usize| &keys[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
    // By key, and among equal keys in the order given: the first is the one kept.
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| key(a).cmp(key(b)));
    order.dedup_by(|later, first| key(*later) == key(*first));
    let mut inputs: Vec<Option<Input>> = inputs.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| inputs[i].take()).collect()
}

/// Adds to `key` bytes that sort as the input does (for paths without a Windows prefix): stdin
/// first, then paths component by component, each component its kind (in `Component`'s order)
/// then its bytes then a NUL, which no path holds.
fn sort_key(input: &Input, key: &mut Vec<u8>) {
    use std::path::Component;
    let Input::File(path, _) = input else {
        key.push(0);
        return;
    };
    key.push(1);
    // A relative path with nothing to parse (no `.` or `..`, no separators together or at an
    // end) is its bytes split at each `/`, all its components plain; one that has any of those
    // is parsed, and so is one with a `\`, a separator on Windows.
    let bytes = path.as_os_str().as_encoded_bytes();
    if !bytes.contains(&b'\\') {
        let mut start = 0;
        let before = key.len();
        for end in memchr::memchr_iter(b'/', bytes).chain([bytes.len()]) {
            let part = &bytes[start..end];
            if matches!(part, b"" | b"." | b"..") {
                break;
            }
            key.push(5);
            key.extend_from_slice(part);
            key.push(0);
            start = end + 1;
        }
        if start > bytes.len() {
            return;
        }
        key.truncate(before);
    }
    for component in path.components() {
        key.push(match component {
            Component::Prefix(_) => 1,
            Component::RootDir => 2,
            Component::CurDir => 3,
            Component::ParentDir => 4,
            Component::Normal(_) => 5,
        });
        key.extend_from_slice(component.as_os_str().as_encoded_bytes());
        key.push(0);
    }
}

/// The files named on the command line itself (not found by walking a directory or matching a
/// glob): a configuration's `include` and `exclude` leave them alone, unless forced.
pub struct Named(std::collections::HashSet<PathBuf>);

impl Named {
    pub fn new(args: &[String]) -> Named {
        Named(args.iter().map(|a| clean(PathBuf::from(a))).filter(|p| !p.is_dir()).collect())
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.0.contains(path)
    }
}

/// Every file under a directory, ignored ones included (a configuration may well exclude a
/// gitignored build directory), but not git's own: for checking that a configuration's globs
/// match something.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .collect()
}

fn walk_dir(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<Error>) {
    let walker = ignore::WalkBuilder::new(dir).require_git(false).build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let wanted = entry
                    .path()
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(e)));
                if is_file && wanted {
                    inputs.push(Input::File(clean(entry.into_path()), Walked(true)));
                }
            }
            Err(err) => {
                errors.push(Error::Walk { path: dir.display().to_string(), message: err.to_string() })
            }
        }
    }
}

fn glob_files(pattern: &str, inputs: &mut Vec<Input>, errors: &mut Vec<Error>) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(err) => {
            errors.push(Error::Glob { pattern: pattern.to_owned(), message: err.to_string() });
            return;
        }
    };
    let before = inputs.len();
    for path in paths {
        match path {
            Ok(path) if path.is_dir() => walk_dir(&path, inputs, errors),
            Ok(path) => inputs.push(Input::File(clean(path), Walked(false))),
            Err(err) => errors.push(Error::Walk { path: pattern.to_owned(), message: err.to_string() }),
        }
    }
    if inputs.len() == before {
        errors.push(Error::NoMatch { pattern: pattern.to_owned() });
    }
}

/// Drops a leading `./` so paths print the way users type them.
fn clean(path: PathBuf) -> PathBuf {
    match path.strip_prefix(".") {
        Ok(rest) if !rest.as_os_str().is_empty() => rest.to_owned(),
        _ => path,
    }
}

/// Reads and decodes one file. Only regular files are read (a FIFO would block forever).
pub fn read_file(path: &Path, walked: Walked) -> Result<Article, Error> {
    let read_error = |source| Error::Read { path: path.to_owned(), source };
    let bytes = read_regular(path, walked)
        .map_err(read_error)?
        .ok_or_else(|| Error::NotAFile { path: path.to_owned() })?;
    decode(path.to_owned(), Format::from_path(path), bytes)
}

/// The bytes of a regular file; `None` for anything else, which is never opened (opening a FIFO
/// would wait for a writer, or take what a waiting one writes; opening a device may act on it).
/// A file a walk saw as regular is opened at once, and then asked what it is: one look-up of
/// its path instead of two. Either way the size gives the room to read into: `fs::read` would
/// ask the file's size and place again, two more calls into the system for each file.
fn read_regular(path: &Path, walked: Walked) -> std::io::Result<Option<Vec<u8>>> {
    let metadata = if walked.0 { None } else { Some(fs::metadata(path)?) };
    if metadata.as_ref().is_some_and(|m| !m.is_file()) {
        return Ok(None);
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    // Should the path have become a FIFO since it was seen, the open does not wait.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options.open(path)?;
    let metadata = match metadata {
        Some(metadata) => metadata,
        None => file.metadata()?,
    };
    if !metadata.is_file() {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0).saturating_add(1));
    // Read through `take`, which reads into the room made: a `File`'s own `read_to_end` asks
    // the file's size and place first.
    Read::take(&mut file, u64::MAX).read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

/// Reads stdin; `name` gives the path shown and the markup.
pub fn read_stdin(name: Option<&Path>) -> Result<Article, Error> {
    stdin_article(name, read_stdin_bytes(name)?)
}

/// Reads all of stdin.
pub fn read_stdin_bytes(name: Option<&Path>) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read { path: stdin_path(name), source })?;
    Ok(bytes)
}

/// The article of bytes read from stdin.
pub fn stdin_article(name: Option<&Path>, bytes: Vec<u8>) -> Result<Article, Error> {
    let path = stdin_path(name);
    decode(path.clone(), Format::from_path(&path), bytes)
}

fn stdin_path(name: Option<&Path>) -> PathBuf {
    name.map_or_else(|| PathBuf::from("<stdin>"), Path::to_owned)
}

fn decode(path: PathBuf, format: Format, bytes: Vec<u8>) -> Result<Article, Error> {
    if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some() {
        return Ok(Article::Binary(path));
    }
    Source::decode(path, format, bytes).map(Article::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file named and also found in a directory is one input; a file a walk saw as regular
    /// that is something else when read (it was replaced) is still refused, and not waited on.
    #[test]
    fn a_walked_file_is_one_input_and_still_only_read_if_regular() {
        let dir = std::env::temp_dir().join(format!("copydesk-walked-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.txt");
        fs::write(&file, "Text.\n").unwrap();
        let args = [dir.to_str().unwrap().to_owned(), file.to_str().unwrap().to_owned()];
        let (inputs, errors) = expand(&args);
        assert!(errors.is_empty());
        assert_eq!(inputs, vec![Input::File(file.clone(), Walked(true))]);
        assert!(matches!(read_file(&file, Walked(true)), Ok(Article::Text(_))));
        #[cfg(unix)]
        {
            let fifo = dir.join("pipe.txt");
            assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
            for walked in [Walked(true), Walked(false)] {
                assert!(matches!(read_file(&fifo, walked), Err(Error::NotAFile { .. })));
            }
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn inputs_sort_by_their_key_as_by_their_order() {
        let paths = [
            "a/b", "a-b", "a/b/c", "a", "a/b.txt", "ab", "/abs/x", "./a/c", "../up", "a//b", "a/./b", "Z",
            "é/x", "a b/c", "a/b c", "",
        ];
        let mut inputs: Vec<Input> =
            paths.iter().map(|p| Input::File(PathBuf::from(p), Walked(p.len() % 2 == 0))).collect();
        inputs.push(Input::Stdin);
        sorted_as_by_their_order(inputs);
    }

    /// `in_order` sorts the inputs and drops duplicates as `sort` and `dedup` do: equal paths
    /// are one input, the first given (whether it was walked tells which).
    fn sorted_as_by_their_order(inputs: Vec<Input>) {
        let mut by_order = inputs.clone();
        by_order.sort();
        by_order.dedup();
        let walked = |inputs: &[Input]| -> Vec<bool> {
            inputs.iter().map(|i| matches!(i, Input::File(_, Walked(true)))).collect()
        };
        let by_key = in_order(inputs.clone());
        assert_eq!(by_key, by_order, "{inputs:?}");
        assert_eq!(walked(&by_key), walked(&by_order), "{inputs:?}");
    }

    /// Paths alike for their first bytes, some of them one path written two ways (`a//b`,
    /// `a/b/`), and hundreds of inputs of a few paths: sorted and without duplicates as by their
    /// order, the first of equal ones kept (an unstable sort fails this).
    #[test]
    fn paths_alike_sort_by_their_key_as_by_their_order() {
        let pieces =
            ["corpus", "rfin-2006-a", "rfin-2006-ab", "rfin-2006-a.txt", "x", "", ".", "..", "b c", "é"];
        let mut random = crate::hash::Random::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| random.below(n);
        for _ in 0..200 {
            let count = 1 + next(40);
            let mut inputs: Vec<Input> = (0..count)
                .map(|_| {
                    let mut path = String::from(["target/bench/", "/abs/", "", "./"][next(4)]);
                    for k in 0..1 + next(4) {
                        if k > 0 {
                            path.push_str(["/", "//"][usize::from(next(8) == 0)]);
                        }
                        path.push_str(pieces[next(pieces.len())]);
                    }
                    if next(8) == 0 {
                        path.push('/');
                    }
                    Input::File(PathBuf::from(path), Walked(next(2) == 0))
                })
                .collect();
            if next(4) == 0 {
                inputs.push(Input::Stdin);
            }
            sorted_as_by_their_order(inputs);
        }
        // Hundreds of inputs of a few paths: the first of each is kept, however they sort.
        let few = ["corpus/b.txt", "corpus/a.txt", "corpus//a.txt", "corpus/a.txt/", "x"];
        sorted_as_by_their_order(
            (0..500)
                .map(|_| Input::File(PathBuf::from(few[next(few.len())]), Walked(next(2) == 0)))
                .collect(),
        );
    }
}
