//! A process that may start no more threads (`ulimit -u`, RLIMIT_NPROC) still runs, on the
//! current thread, with the same results; it never panics.
//!
//! RLIMIT_NPROC does not bind root, so the limited runs are made as `nobody` with `setpriv`,
//! which needs root: elsewhere the test says so and checks nothing.

use std::path::PathBuf;
use std::process::Command;

fn demo(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data/demo")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn no_threads_to_spare_same_results() {
    let bin = assert_cmd::cargo::cargo_bin("footprint");
    let args = [
        "coterminosity".to_string(),
        demo("footprints.geojson"),
        "--units".into(),
        demo("councils.geojson"),
        "-f".into(),
        "json".into(),
    ];
    let want = Command::new(&bin).args(&args).output().unwrap();
    assert_eq!(want.status.code(), Some(0), "{want:?}");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let tools = ["setpriv", "prlimit"]
        .iter()
        .all(|t| Command::new(t).arg("--version").output().is_ok());
    if !root || !tools {
        eprintln!("skipped: limiting threads needs root, setpriv and prlimit");
        return;
    }
    // 1: not even one more thread; then fewer than the pool, the loaders and the checker need.
    for n in 1..=6 {
        let got = Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "prlimit",
            ])
            .arg(format!("--nproc={n}"))
            .arg(&bin)
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&got.stderr);
        assert!(!err.contains("panicked"), "nproc={n}: {err}");
        // Near the limit, threads of processes just ended may still count against it for a
        // moment, and rayon's pool can then fail after the probe succeeded: a clean exit 2.
        if (3..=4).contains(&n) && got.status.code() == Some(2) {
            assert!(
                err.starts_with("error: cannot start worker threads"),
                "nproc={n}: {err}"
            );
            continue;
        }
        assert_eq!(got.status.code(), Some(0), "nproc={n}: {err}");
        assert_eq!(got.stdout, want.stdout, "nproc={n}");
    }
}
