//! Outputs never destroy a file: an output over an input is refused before any work, devices
//! and FIFOs are written in place, links are followed, permissions are kept, signals and
//! `ulimit -f` leave no temporary file, and standard output errors are reported (a reader that
//! stops early is not an error).
//!
//! Every case runs in its own temporary directory holding copies of the demo data, so a
//! regression can only damage copies.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{england, repo};

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("footprint")
}

/// Written straight to stderr so the reason shows in a normal `cargo test` run.
fn skip(why: &str) {
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// A temporary directory with copies of the demo data, `link.geojson` (a symlink to
/// trusts.geojson), `hard.geojson` (a hard link to it), an empty directory `s` and a file
/// `existing.csv`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in fs::read_dir(repo().join("data/demo")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e != "py") {
            fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    std::os::unix::fs::symlink("trusts.geojson", dir.path().join("link.geojson")).unwrap();
    fs::hard_link(
        dir.path().join("trusts.geojson"),
        dir.path().join("hard.geojson"),
    )
    .unwrap();
    fs::create_dir(dir.path().join("s")).unwrap();
    fs::write(dir.path().join("existing.csv"), "existing\n").unwrap();
    dir
}

/// Names of the hidden temporary files left in `dir`.
fn temps(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".footprint-"))
        .collect()
}

fn snapshot(dir: &Path, files: &[&str]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|f| {
            let bytes = fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            (f.to_string(), bytes)
        })
        .collect()
}

struct Case {
    /// The arguments, split at spaces.
    args: &'static str,
    code: i32,
    stderr: &'static str,
    /// Files whose bytes must be the same afterwards.
    unchanged: Vec<&'static str>,
    /// Files that must not exist afterwards.
    absent: Vec<&'static str>,
}

/// Refused with exit 2 and `stderr`, `file` unchanged.
fn refused(args: &'static str, stderr: &'static str, file: &'static str) -> Case {
    Case {
        args,
        code: 2,
        stderr,
        unchanged: vec![file],
        absent: vec![],
    }
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    vec![
        // overlaps: -o over a, b and the weights; --pieces over an input.
        refused("overlaps trusts.geojson footprints.geojson -f csv -o trusts.geojson", "trusts.geojson: is also an input (the a layer)", "trusts.geojson"),
        refused("overlaps trusts.geojson footprints.geojson -o footprints.geojson", "is also an input (the b layer)", "footprints.geojson"),
        refused("overlaps trusts.geojson footprints.geojson --weights population.csv -o population.csv", "is also an input (the weights)", "population.csv"),
        refused("overlaps trusts.geojson footprints.geojson --pieces trusts.geojson", "is also an input (the a layer)", "trusts.geojson"),
        refused("overlaps trusts.geojson footprints.geojson -o o.csv --pieces s/../footprints.geojson", "is also an input (the b layer)", "footprints.geojson"),
        // A symlink and a hard link to an input are the input.
        refused("overlaps trusts.geojson footprints.geojson -o link.geojson", "link.geojson: is also an input (the a layer)", "trusts.geojson"),
        refused("overlaps trusts.geojson footprints.geojson -o hard.geojson", "hard.geojson: is also an input (the a layer)", "hard.geojson"),
        // Two outputs, one file: compared as files, not as text, whether it exists or not.
        Case { args: "overlaps trusts.geojson footprints.geojson -o o.csv --pieces s/../o.csv", code: 2, stderr: "named for two outputs", unchanged: vec![], absent: vec!["o.csv"] },
        Case { args: "overlaps trusts.geojson footprints.geojson -o existing.csv --pieces s/../existing.csv", code: 2, stderr: "named for two outputs", unchanged: vec!["existing.csv"], absent: vec![] },
        Case { args: "overlaps trusts.geojson footprints.geojson -o s", code: 2, stderr: "s: is a directory; name an output file", unchanged: vec![], absent: vec![] },
        // coterminosity
        refused("coterminosity footprints.geojson --units councils.geojson -o councils.geojson", "is also an input (the units layer)", "councils.geojson"),
        refused("coterminosity footprints.geojson --units councils.geojson -o footprints.geojson", "is also an input (the footprints layer)", "footprints.geojson"),
        refused("coterminosity footprints.geojson --units councils.geojson --weights population.csv -o population.csv", "is also an input (the weights)", "population.csv"),
        // spanning
        refused("spanning trusts.geojson --plans footprints.geojson -o trusts.geojson", "is also an input (the providers layer)", "trusts.geojson"),
        refused("spanning trusts.geojson --plans footprints.geojson -o footprints.geojson", "is also an input (the plans layer)", "footprints.geojson"),
        // validate and inspect
        refused("validate footprints.geojson -o footprints.geojson", "is also an input (the layer)", "footprints.geojson"),
        refused("validate footprints.geojson --extent councils.geojson -o councils.geojson", "is also an input (the extent layer)", "councils.geojson"),
        refused("inspect trusts.geojson -o trusts.geojson", "is also an input (the layer)", "trusts.geojson"),
        // build
        refused("build ccgs.geojson --mapping ccg_footprints.csv -o ccgs.geojson", "is also an input (the units layer)", "ccgs.geojson"),
        refused("build ccgs.geojson --mapping ccg_footprints.csv -o ccg_footprints.csv", "is also an input (the mapping)", "ccg_footprints.csv"),
        // map
        refused("map footprints.geojson --units councils.geojson -o councils.geojson", "is also an input (the units layer)", "councils.geojson"),
        refused("map footprints.geojson --units councils.geojson --providers trusts.geojson -o trusts.geojson", "is also an input (the providers layer)", "trusts.geojson"),
        refused("map footprints.geojson --units councils.geojson --weights population.csv -o population.csv", "is also an input (the weights)", "population.csv"),
        // check: the rules file and every file it names.
        refused("check rules.toml -o rules.toml", "is also an input (the rules file)", "rules.toml"),
        refused("check rules.toml --junit rules.toml", "is also an input (the rules file)", "rules.toml"),
        refused("check rules.toml -o councils.geojson", "is also an input (the councils layer of the rules file)", "councils.geojson"),
        refused("check rules.toml --junit s/../footprints.geojson", "is also an input (the footprints layer of the rules file)", "footprints.geojson"),
        refused("check rules.toml --junit population.csv", "is also an input (the population weights of the rules file)", "population.csv"),
        refused("check rules.toml -o ccg_footprints.csv", "is also an input (the mapping of rule", "ccg_footprints.csv"),
        Case { args: "check rules.toml -o r.txt --junit s/../r.txt", code: 2, stderr: "named for two outputs", unchanged: vec![], absent: vec!["r.txt"] },
    ]
}

#[test]
fn outputs_over_inputs_are_refused_before_any_work() {
    for case in cases() {
        let dir = workspace();
        let before = snapshot(dir.path(), &case.unchanged);
        let out = Command::new(bin())
            .current_dir(dir.path())
            .args(case.args.split(' '))
            .output()
            .unwrap();
        let what = format!("footprint {}", case.args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(case.code), "{what}: {stderr}");
        assert!(stderr.contains(case.stderr), "{what}: stderr {stderr:?}");
        if case.code == 2 {
            assert!(stderr.starts_with("error:"), "{what}: {stderr}");
            // Refused before loading anything: no tolerance line, no warnings.
            assert!(
                !stderr.contains("tolerance:"),
                "{what}: worked first: {stderr}"
            );
            assert!(out.stdout.is_empty(), "{what}: wrote a report");
        }
        assert_eq!(
            snapshot(dir.path(), &case.unchanged),
            before,
            "{what}: changed"
        );
        for f in &case.absent {
            assert!(!dir.path().join(f).exists(), "{what}: {f} was written");
        }
        assert!(
            fs::symlink_metadata(dir.path().join("link.geojson"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{what}"
        );
        assert_eq!(temps(dir.path()), Vec::<String>::new(), "{what}");
    }
}

#[test]
fn dash_is_standard_output() {
    let dir = workspace();
    let run = |args: &[&str]| {
        Command::new(bin())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[
        "overlaps",
        "trusts.geojson",
        "footprints.geojson",
        "-f",
        "csv",
        "-q",
        "-o",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"a_code,"));
    // build: the layer on standard output, its summary on stderr.
    let out = run(&[
        "build",
        "ccgs.geojson",
        "--mapping",
        "ccg_footprints.csv",
        "-o",
        "-",
    ]);
    common::exits(&out, 0);
    let layer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("GeoJSON only");
    assert_eq!(layer["type"], "FeatureCollection");
    assert!(String::from_utf8_lossy(&out.stderr).contains("built "));
    // /dev/stdout and /proc/self/fd/1 are standard output too.
    for path in ["/dev/stdout", "/proc/self/fd/1"] {
        let out = run(&[
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
            "-q",
            "-o",
            path,
        ]);
        assert_eq!(out.status.code(), Some(0), "{path}");
        assert!(out.stdout.starts_with(b"a_code,"), "{path}");
    }
    assert!(!dir.path().join("-").exists());
}

#[test]
fn fifo_is_written_in_place() {
    let dir = workspace();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return skip("mkfifo failed");
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = Vec::new();
            fs::File::open(&fifo)
                .unwrap()
                .read_to_end(&mut text)
                .unwrap();
            text
        })
    };
    let out = Command::new(bin())
        .current_dir(dir.path())
        .args([
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
            "-q",
            "-o",
            "fifo",
        ])
        .output()
        .unwrap();
    common::exits(&out, 0);
    // Should footprint not have opened the FIFO, release the reader rather than hang.
    {
        use std::os::unix::fs::OpenOptionsExt;
        let _ = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo);
    }
    let text = reader.join().unwrap();
    assert!(
        text.starts_with(b"a_code,"),
        "{}",
        String::from_utf8_lossy(&text)
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

/// Make a character device like /dev/null (1,3) or /dev/full (1,7) at `path`.
fn mknod(path: &Path, minor: u32) -> bool {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: a plain system call on a valid, NUL-terminated path.
    unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, minor)) == 0 }
}

#[test]
fn character_devices_are_written_in_place() {
    let dir = workspace();
    let (null, full) = (dir.path().join("null"), dir.path().join("full"));
    if !mknod(&null, 3) || !mknod(&full, 7) {
        return skip("mknod of a character device failed here (not root, or no CAP_MKNOD)");
    }
    let run = |out: &str| {
        Command::new(bin())
            .current_dir(dir.path())
            .args([
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "-f",
                "csv",
                "-q",
                "-o",
                out,
            ])
            .output()
            .unwrap()
    };
    let out = run("null");
    common::exits(&out, 0);
    let out = run("full");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("full: "), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    for node in [&null, &full] {
        let m = fs::symlink_metadata(node).unwrap();
        assert!(
            m.file_type().is_char_device(),
            "{} replaced",
            node.display()
        );
    }
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

#[test]
fn symlinks_are_followed_and_stay_links() {
    let dir = workspace();
    let d = dir.path();
    fs::write(d.join("target.csv"), "old\n").unwrap();
    std::os::unix::fs::symlink("target.csv", d.join("report.csv")).unwrap();
    // A link to a file in another directory: the temporary file goes beside the target.
    std::os::unix::fs::symlink("s/far.csv", d.join("far-link.csv")).unwrap();
    for (link, target) in [("report.csv", "target.csv"), ("far-link.csv", "s/far.csv")] {
        let out = Command::new(bin())
            .current_dir(d)
            .args([
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "-f",
                "csv",
                "-q",
                "-o",
                link,
            ])
            .output()
            .unwrap();
        common::exits(&out, 0);
        assert!(fs::symlink_metadata(d.join(link))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(
            fs::read(d.join(target)).unwrap().starts_with(b"a_code,"),
            "{target}"
        );
    }
    assert_eq!(temps(d), Vec::<String>::new());
    assert_eq!(temps(&d.join("s")), Vec::<String>::new());
}

#[test]
fn permissions_are_kept_and_new_files_follow_the_umask() {
    let dir = workspace();
    let d = dir.path();
    let kept = d.join("private.csv");
    fs::write(&kept, "old\n").unwrap();
    fs::set_permissions(&kept, fs::Permissions::from_mode(0o600)).unwrap();
    let out = Command::new(bin())
        .current_dir(d)
        .args([
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
            "-q",
            "-o",
            "private.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(fs::read(&kept).unwrap().starts_with(b"a_code,"));
    assert_eq!(
        fs::metadata(&kept).unwrap().permissions().mode() & 0o777,
        0o600
    );
    for (umask, mode) in [("027", 0o640), ("002", 0o664), ("0", 0o666)] {
        let name = format!("new-{umask}.csv");
        let script = format!(
            "umask {umask}; exec \"$0\" overlaps trusts.geojson footprints.geojson -f csv -q -o {name}"
        );
        let status = Command::new("sh")
            .current_dir(d)
            .args(["-c", &script])
            .arg(bin())
            .status()
            .unwrap();
        assert!(status.success());
        let got = fs::metadata(d.join(&name)).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "umask {umask}: mode {got:o}");
    }
}

/// Wait until a non-empty temporary file appears in `dir` (the output being written), or the
/// child ends, or `limit` passes. True when one appeared.
fn wait_for_temp(dir: &Path, child: &mut std::process::Child, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        let busy = fs::read_dir(dir).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().starts_with(".footprint-")
                && e.metadata().is_ok_and(|m| m.len() > 0)
        });
        if busy {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// The child starts with SIGINT, SIGTERM and SIGHUP at their defaults: a test run from a
/// background job (`cmd &` in a script) inherits SIGINT ignored, and footprint rightly keeps
/// an ignored signal ignored, so a signal test would wait for ever.
fn default_signals(cmd: &mut Command) -> &mut Command {
    // SAFETY: signal() is async-signal-safe, as pre_exec requires.
    unsafe {
        cmd.pre_exec(|| {
            for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(s, libc::SIG_DFL);
            }
            Ok(())
        })
    }
}

fn kill(child: &std::process::Child, signal: i32) {
    // SAFETY: signalling our own child by its id.
    unsafe {
        libc::kill(child.id() as i32, signal);
    }
}

/// The pieces are staged (a temporary file beside them), then the report's open blocks on a
/// FIFO nobody reads: a signal then must remove the staged pieces and kill the process with
/// that signal.
#[test]
fn signals_remove_temporary_files() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let dir = workspace();
        let d = dir.path();
        assert!(Command::new("mkfifo")
            .arg(d.join("fifo"))
            .status()
            .unwrap()
            .success());
        let mut child = default_signals(&mut Command::new(bin()))
            .current_dir(d)
            .args(["overlaps", "trusts.geojson", "footprints.geojson", "-q"])
            .args(["--pieces", "pieces.geojson", "-o", "fifo"])
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        if !wait_for_temp(d, &mut child, Duration::from_secs(60)) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("signal {signal}: no temporary file seen");
        }
        kill(&child, signal);
        let status = child.wait().unwrap();
        assert_eq!(status.signal(), Some(signal), "signal {signal}: {status:?}");
        assert_eq!(temps(d), Vec::<String>::new(), "signal {signal}");
        assert!(!d.join("pieces.geojson").exists());
    }
}

/// The same on real data during a long write (LSOA x CCG with pieces: seconds).
#[test]
fn sigterm_during_a_long_write_leaves_nothing() {
    let Some(england) = england() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("o.csv"), "previous report\n").unwrap();
    let mut child = default_signals(&mut Command::new(bin()))
        .current_dir(d)
        .arg("overlaps")
        .arg(england.join("lsoa11.geojson"))
        .arg(england.join("ccg21.geojson"))
        .args(["-f", "csv", "-q", "-o", "o.csv", "--pieces", "p.geojson"])
        .spawn()
        .unwrap();
    if !wait_for_temp(d, &mut child, Duration::from_secs(300)) {
        let _ = child.kill();
        let _ = child.wait();
        panic!("the command ended before a temporary file was seen");
    }
    std::thread::sleep(Duration::from_millis(50));
    kill(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert_eq!(temps(d), Vec::<String>::new());
    assert_eq!(fs::read(d.join("o.csv")).unwrap(), b"previous report\n");
    assert!(!d.join("p.geojson").exists());
}

#[test]
fn file_size_limit_is_an_error_and_leaves_nothing() {
    let dir = workspace();
    let d = dir.path();
    let out = Command::new("sh")
        .current_dir(d)
        .args([
            "-c",
            "ulimit -f 1; exec \"$0\" overlaps trusts.geojson footprints.geojson -q -f json -o big.json --pieces pieces.geojson",
        ])
        .arg(bin())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{:?} {stderr}", out.status);
    assert!(stderr.contains("pieces.geojson"), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert_eq!(temps(d), Vec::<String>::new());
    assert!(!d.join("big.json").exists() && !d.join("pieces.geojson").exists());
}

#[test]
fn standard_output_errors_exit_2() {
    let dir = workspace();
    let d = dir.path();
    let full = || {
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        &[
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
        ][..],
        &[
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "json",
        ],
        &["--help"],
        &["overlaps", "--help"],
        &["--version"],
        &["completions", "bash"],
    ] {
        let out = Command::new(bin())
            .current_dir(d)
            .args(args)
            .stdout(full())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} > /dev/full: {stderr}");
        assert!(
            stderr.contains("writing standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
        // Closed standard output (`>&-`).
        let out = Command::new("sh")
            .current_dir(d)
            .args(["-c", "exec \"$0\" \"$@\" >&-"])
            .arg(bin())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} >&-: {stderr}");
        assert!(
            stderr.contains("writing standard output"),
            "{args:?}: {stderr}"
        );
    }
}

/// A reader that has stopped reading is not an error: exit 0, nothing on stderr.
#[test]
fn broken_pipe_is_a_quiet_success() {
    let dir = workspace();
    let d = dir.path();
    // A pipe whose reading end is closed before footprint writes anything.
    for format in ["csv", "json", "table"] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(bin())
            .current_dir(d)
            .args([
                "overlaps",
                "trusts.geojson",
                "footprints.geojson",
                "-q",
                "-f",
                format,
            ])
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
    // `| head -1` on a report far bigger than a pipe holds: two offset grids of squares.
    let grid = |name: &str, offset: f64| {
        let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for i in 0..80 {
            for j in 0..80 {
                let (x, y) = (
                    400000.0 + offset + i as f64 * 100.0,
                    300000.0 + offset + j as f64 * 100.0,
                );
                if i + j > 0 {
                    s.push_str(",\n");
                }
                s.push_str(&format!(
                    "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{name}{i}_{j}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}",
                    x + 100.0, x + 100.0, y + 100.0, y + 100.0
                ));
            }
        }
        s.push_str("\n]}\n");
        fs::write(d.join(format!("{name}.geojson")), s).unwrap();
    };
    grid("ga", 0.0);
    grid("gb", 50.0);
    let out = Command::new("bash")
        .current_dir(d)
        .args([
            "-c",
            "set -o pipefail; \"$0\" overlaps ga.geojson gb.geojson --tolerance 0 -q -f csv | head -1",
        ])
        .arg(bin())
        .output()
        .unwrap();
    common::exits(&out, 0);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert!(out.stdout.starts_with(b"a_code,"));
    assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
}

/// A signal ignored when footprint starts (`nohup`, `trap '' TERM`) stays ignored; SIGKILL
/// then leaves the hidden file but never a partial output.
#[test]
fn ignored_signals_stay_ignored_and_sigkill_leaves_no_partial_output() {
    let dir = workspace();
    let d = dir.path();
    assert!(Command::new("mkfifo")
        .arg(d.join("fifo"))
        .status()
        .unwrap()
        .success());
    let mut child = Command::new("sh")
        .current_dir(d)
        .args([
            "-c",
            "trap '' TERM; exec \"$0\" overlaps trusts.geojson footprints.geojson -q --pieces pieces.geojson -o fifo",
        ])
        .arg(bin())
        .spawn()
        .unwrap();
    if !wait_for_temp(d, &mut child, Duration::from_secs(60)) {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no temporary file seen");
    }
    kill(&child, libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "an ignored SIGTERM ended it"
    );
    kill(&child, libc::SIGKILL);
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
    assert!(!d.join("pieces.geojson").exists(), "a partial output");
    assert_eq!(temps(d).len(), 1, "the staged file stays after SIGKILL");
}

/// Root replacing another user's file gives it back to that user.
#[test]
fn owner_is_kept_when_root_replaces_a_file() {
    // SAFETY: a query without side effects.
    if unsafe { libc::geteuid() } != 0 {
        return skip("not root: only root can give a file to another user");
    }
    let dir = workspace();
    let d = dir.path();
    let file = d.join("theirs.csv");
    fs::write(&file, "old\n").unwrap();
    std::os::unix::fs::chown(&file, Some(1234), Some(5678)).unwrap();
    let out = Command::new(bin())
        .current_dir(d)
        .args([
            "overlaps",
            "trusts.geojson",
            "footprints.geojson",
            "-f",
            "csv",
            "-q",
        ])
        .args(["-o", "theirs.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(&file).unwrap();
    assert_eq!((m.uid(), m.gid()), (1234, 5678));
    assert!(fs::read(&file).unwrap().starts_with(b"a_code,"));
}

/// `-` is standard output for every output; two outputs there would run together, and are
/// refused before any work.
#[test]
fn dash_is_standard_output_and_only_one_output_may_use_it() {
    let dir = workspace();
    let run = |args: &[&str]| {
        Command::new(bin())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let both = run(&[
        "overlaps",
        "councils.geojson",
        "footprints.geojson",
        "--pieces",
        "-",
        "-q",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("two outputs go to standard output"));
    let pieces = run(&[
        "overlaps",
        "councils.geojson",
        "footprints.geojson",
        "-o",
        "report.csv",
        "--pieces",
        "-",
        "-q",
    ]);
    assert_eq!(pieces.status.code(), Some(0));
    assert!(pieces
        .stdout
        .starts_with(b"{\"type\":\"FeatureCollection\""));
    assert!(fs::read_to_string(dir.path().join("report.csv"))
        .unwrap()
        .starts_with("a_code,"));
    for args in [
        &[
            "build",
            "ccgs.geojson",
            "--mapping",
            "ccg_footprints.csv",
            "-o",
            "-",
            "-q",
        ][..],
        &[
            "map",
            "footprints.geojson",
            "--units",
            "councils.geojson",
            "-o",
            "-",
            "-q",
        ],
        &[
            "coterminosity",
            "footprints.geojson",
            "--units",
            "councils.geojson",
            "-f",
            "csv",
            "-o",
            "-",
            "-q",
        ],
        &[
            "check",
            "rules.toml",
            "--junit",
            "-",
            "-o",
            "summary.txt",
            "-q",
        ],
    ] {
        let out = run(args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {out:?}"
        );
        assert!(
            !out.stdout.is_empty(),
            "{args:?}: nothing on standard output"
        );
    }
}
