//! Writing a fixed article back: atomically, and only over the text that was checked.
//!
//! The new text goes to a temporary file in the article's own directory (same file system), is
//! flushed to disk with the original's permissions, and then renamed over the original, so a
//! reader sees the old file or the new one and never half of either. Just before the rename the
//! file is read again: if it no longer holds the text that was checked (an editor saved it
//! meanwhile), nothing is written. Whatever fails, the temporary file is removed and the
//! original is left as it was.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Replaces `path`, which held `checked` when it was read, with `fixed`. A symbolic link is
/// followed and its target replaced; a read-only file, or one with other hard links (which a
/// rename would split from this one), is refused.
pub fn replace(path: &Path, checked: &str, fixed: &str) -> Result<(), Error> {
    let refused =
        |why: &str| Error::Write { path: path.to_owned(), source: std::io::Error::other(why.to_owned()) };
    let target = fs::canonicalize(path).map_err(|source| Error::Write { path: path.to_owned(), source })?;
    let path = target.as_path();
    let failed = |source| Error::Write { path: path.to_owned(), source };
    let metadata = fs::metadata(path).map_err(failed)?;
    if metadata.permissions().readonly() {
        return Err(refused("the file is read-only"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(refused("the file has other hard links, which a rewrite would split off"));
        }
    }
    swap_in(path, fixed, Some(metadata), write_all, || {
        let now = fs::read(path).map_err(failed)?;
        if now == checked.as_bytes() { Ok(()) } else { Err(Error::ChangedOnDisk { path: path.to_owned() }) }
    })
}

/// Writes `text` to `path` atomically, whether or not it exists (a baseline, a report).
pub fn create(path: &Path, text: &str) -> Result<(), Error> {
    swap_in(path, text, fs::metadata(path).ok(), write_all, || Ok(()))
}

/// How the text goes into the temporary file; the tests put a failing disk in its place.
fn write_all(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)
}

/// Writes a temporary file beside `path` with `write`, runs `ready` (which may refuse), and
/// renames it over `path`; the temporary file never survives a failure.
/// The temporary file is created with the original's permissions from the start (a private
/// draft is never readable by others meanwhile) and, on Unix, given its owner and group.
fn swap_in(
    path: &Path,
    text: &str,
    original: Option<fs::Metadata>,
    write: fn(&mut File, &[u8]) -> std::io::Result<()>,
    ready: impl FnOnce() -> Result<(), Error>,
) -> Result<(), Error> {
    let failed = |source| Error::Write { path: path.to_owned(), source };
    let temp = temporary_path(path);
    let written = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(original) = &original {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            options.mode(original.permissions().mode() & 0o7777);
        }
        let mut file = options.open(&temp)?;
        if let Some(original) = &original {
            file.set_permissions(original.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let now = file.metadata()?;
                if (now.uid(), now.gid()) != (original.uid(), original.gid()) {
                    std::os::unix::fs::fchown(&file, Some(original.uid()), Some(original.gid()))?;
                }
            }
        }
        write(&mut file, text.as_bytes())?;
        file.sync_all()
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(failed(source));
    }
    if let Err(err) = ready() {
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    if let Err(source) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        return Err(failed(source));
    }
    // The rename is durable once the directory is flushed; where that cannot be done (some
    // platforms refuse to open a directory), the file is already complete.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

/// A name beside `path` that no other run uses: `.name.copydesk-<pid>-<n>.tmp`.
fn temporary_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let name = path.file_name().map_or_else(|| "article".into(), |n| n.to_string_lossy().into_owned());
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.copydesk-{}-{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory in the build's own output directory, emptied again by the next run.
    fn scratch(name: &str) -> PathBuf {
        let dir = Path::new(env!("OUT_DIR")).join("unit-write").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_disk_that_fills_up_part_way_leaves_the_original_and_no_temporary_file() {
        let dir = scratch("full");
        let path = dir.join("story.md");
        let original = "Azeri forces moved. ".repeat(1000);
        fs::write(&path, &original).unwrap();
        // Half the text goes in, then the disk is full.
        let full = |file: &mut File, bytes: &[u8]| {
            file.write_all(&bytes[..bytes.len() / 2])?;
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device"))
        };
        let metadata = fs::metadata(&path).unwrap();
        let fixed = original.replace("Azeri", "Azerbaijani");
        let err = swap_in(&path, &fixed, Some(metadata), full, || Ok(())).unwrap_err().to_string();
        assert!(err.contains("No space left on device") && err.contains("the file is unchanged"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), original);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "the temporary file is removed");
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = scratch("ok");
        let path = dir.join("story.md");
        fs::write(&path, "Azeri forces").unwrap();
        replace(&path, "Azeri forces", "Azerbaijani forces").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "Azerbaijani forces");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "only the article is left");
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_written() {
        let dir = scratch("changed");
        let path = dir.join("story.md");
        fs::write(&path, "Azeri forces, edited meanwhile").unwrap();
        let err = replace(&path, "Azeri forces", "Azerbaijani forces").unwrap_err();
        assert!(matches!(err, Error::ChangedOnDisk { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "Azeri forces, edited meanwhile");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_read_only_or_hard_linked_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("links");
        let real = dir.join("real.txt");
        fs::write(&real, "a").unwrap();
        std::os::unix::fs::symlink(&real, dir.join("link.txt")).unwrap();
        replace(&dir.join("link.txt"), "a", "b").unwrap();
        assert_eq!(fs::read_to_string(&real).unwrap(), "b", "the target is fixed");
        assert!(
            fs::symlink_metadata(dir.join("link.txt")).unwrap().file_type().is_symlink(),
            "the link stays a link"
        );
        let ro = dir.join("ro.txt");
        fs::write(&ro, "a").unwrap();
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
        let err = replace(&ro, "a", "b").unwrap_err().to_string();
        assert!(err.contains("read-only") && err.contains("unchanged"), "{err}");
        assert_eq!(fs::read_to_string(&ro).unwrap(), "a");
        let linked = dir.join("linked.txt");
        fs::write(&linked, "a").unwrap();
        fs::hard_link(&linked, dir.join("other-name.txt")).unwrap();
        assert!(replace(&linked, "a", "b").unwrap_err().to_string().contains("hard links"));
        assert_eq!(fs::read_to_string(dir.join("other-name.txt")).unwrap(), "a");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let path = dir.join("story.txt");
        fs::write(&path, "a").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        replace(&path, "a", "b").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }
}
