//! Running the built binary as users do: arguments, stdin, and a scratch directory per test.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn copydesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk")).args(args).output().expect("the binary runs")
}

/// Runs the binary, failing the test (and killing the process) if it has not ended within
/// `seconds`: for input that could make a reader wait forever.
pub fn copydesk_within(seconds: u64, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(child.wait_with_output()));
    match receive.recv_timeout(std::time::Duration::from_secs(seconds)) {
        Ok(output) => output.expect("wait"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("copydesk {args:?} did not end within {seconds} s");
        }
    }
}

/// Runs the binary with `input` on stdin.
pub fn copydesk_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// A fresh directory for one test, under cargo's temporary directory for integration tests:
/// `<tmp>/<group>/<name>`.
pub fn scratch_in(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(group).join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

pub fn write(dir: &Path, name: &str, text: &[u8]) -> String {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("create parents");
    fs::write(&path, text).expect("write file");
    path.to_str().expect("UTF-8 path").to_owned()
}
