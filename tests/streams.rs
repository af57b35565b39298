//! Inputs that are not plain files, and files that change: a pipe is read as a stream, a FIFO
//! nobody writes to and a device are refused at once (never a hang), a file cut short is a
//! parse error naming it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo(name: &str) -> PathBuf {
    root().join("data/demo").join(name)
}

fn footprint() -> Command {
    let mut c = Command::cargo_bin("footprint").expect("the footprint binary is built");
    // Whatever happens, never hang the test run.
    c.timeout(Duration::from_secs(20));
    c
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("footprint")
}

/// The report without its `file` line and the rule under the header (as wide as the widest
/// value, the file name perhaps).
fn without_file_line(report: &[u8]) -> String {
    String::from_utf8_lossy(report)
        .lines()
        .filter(|l| !l.starts_with("file ") && !l.starts_with("---"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shell(script: &str) -> std::process::Output {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert!(out.status.code().is_some(), "timed out or killed: {script}");
    out
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display())
}

#[test]
fn streams_give_the_same_report_as_the_file() {
    let file = demo("councils.geojson");
    let want = footprint().arg("inspect").arg(&file).assert().code(0);
    let want = without_file_line(&want.get_output().stdout);
    for script in [
        format!(
            "cat {} | {} inspect /dev/stdin",
            quote(&file),
            quote(&bin())
        ),
        format!("{} inspect /dev/stdin < {}", quote(&bin()), quote(&file)),
    ] {
        let out = shell(&script);
        assert_eq!(out.status.code(), Some(0), "{script}: {out:?}");
        assert_eq!(without_file_line(&out.stdout), want, "{script}");
    }
    // A FIFO with a writer waiting.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("in.geojson");
    let script = format!(
        "mkfifo {f} && (cat {} > {f} &) && {} inspect {f}",
        quote(&file),
        quote(&bin()),
        f = quote(&fifo)
    );
    let out = shell(&script);
    assert_eq!(out.status.code(), Some(0), "{script}: {out:?}");
    assert_eq!(without_file_line(&out.stdout), want, "{script}");
}

#[test]
fn fifo_with_no_writer_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("nobody.geojson");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    footprint()
        .arg("inspect")
        .arg(&fifo)
        .timeout(Duration::from_secs(5))
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error:"))
        .stderr(predicate::str::contains(fifo.display().to_string()))
        .stderr(predicate::str::contains("is empty"))
        .stderr(predicate::str::contains("FIFO"));
}

#[test]
fn empty_pipe_is_empty() {
    let out = shell(&format!("{} inspect /dev/stdin < /dev/null", quote(&bin())));
    // /dev/null as stdin is a character device: refused, not read.
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let out = shell(&format!("true | {} inspect /dev/stdin", quote(&bin())));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is empty"),
        "{out:?}"
    );
}

#[test]
fn devices_are_refused_not_read_forever() {
    for device in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        footprint()
            .arg("inspect")
            .arg(device)
            .timeout(Duration::from_secs(5))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "{device}: not a regular file (a character device)"
            )));
    }
}

#[test]
fn proc_files_are_read_though_they_claim_no_size() {
    // /proc/self/status is size 0 to stat, but has content: read, and found not to be JSON.
    footprint()
        .arg("inspect")
        .arg("/proc/self/status")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is empty").not())
        .stderr(predicate::str::contains("malformed GeoJSON"));
}

#[test]
fn file_cut_short_is_a_parse_error_naming_it() {
    let bytes = std::fs::read(demo("councils.geojson")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("cut.geojson");
    for at in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
        std::fs::write(&cut, &bytes[..at]).unwrap();
        footprint()
            .arg("inspect")
            .arg(&cut)
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with("error:"))
            .stderr(predicate::str::contains(cut.display().to_string()))
            .stderr(predicate::str::contains("malformed GeoJSON"))
            .stderr(predicate::str::contains("EOF"));
    }
}
