//! Outputs that never destroy a file.
//!
//! - Standard output (no path, or `-`) is written buffered; a reader that stops early (a broken
//!   pipe, `| head`) ends the write quietly; any other failure is "writing standard output: ...".
//! - A character or block device, FIFO or socket (and `/dev/stdout`, `/dev/fd/N`,
//!   `/proc/self/fd/N`) is written in place, never replaced.
//! - A regular file, or a path that does not exist yet, is written to a temporary file beside
//!   it and renamed onto it once complete, so the path holds the old file or the whole new one,
//!   even after SIGKILL. A symlink is followed: the temporary file goes beside its target and is
//!   renamed onto the target, so the link stays a link. An existing file keeps its permissions
//!   (and, where allowed, its owner); a new one gets 0666 less the umask.
//! - Every temporary file is registered while it exists; SIGINT, SIGTERM and SIGHUP remove them
//!   before the process dies of the signal (see [`install_signal_handlers`]).
//! - [`preflight`] refuses, before any work, an output that is one of the inputs (compared as
//!   files: device and inode, so hard links, symlinks and `dir/../name` are caught) or two
//!   outputs that are the same file.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use anyhow::{anyhow, bail, Context, Result};

/// Where one output goes: standard output, or a file (a path of "-" means standard output).
#[derive(Debug, Clone)]
pub struct Output {
    path: Option<PathBuf>,
}

impl Output {
    pub fn stdout() -> Output {
        Output { path: None }
    }

    /// None or Some("-") is standard output.
    pub fn new(path: Option<&Path>) -> Output {
        match path {
            Some(p) if p.as_os_str() != "-" => Output {
                path: Some(p.to_path_buf()),
            },
            _ => Output::stdout(),
        }
    }

    /// The file, or None for standard output.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Write the whole output: stdout (buffered), a device/FIFO directly, a regular file
    /// atomically.
    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        self.stage(body)?.commit()
    }

    /// Write the whole output now but make it visible only at commit (several outputs of one
    /// command are staged, then committed together, so a failure leaves none of them).
    /// Standard output and devices are written directly (commit is then a no-op).
    pub fn stage(&self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
        let Some(path) = &self.path else {
            write_stdout(body)?;
            return Ok(Staged { temp: None });
        };
        match resolve(path)? {
            Target::Stdout => {
                write_stdout(body)?;
                Ok(Staged { temp: None })
            }
            Target::Direct => {
                write_direct(path, body)?;
                Ok(Staged { temp: None })
            }
            Target::File { file, existing } => stage_file(path, &file, existing.as_ref(), body),
        }
    }
}

impl Output {
    /// As [`Output::stage`], for a writer that needs a path rather than a stream (SQLite, for
    /// a GeoPackage): `body` gets the path of the temporary file (empty, beside the
    /// destination, removed on failure and on INT/TERM/HUP) and must have closed it when it
    /// returns; it is then flushed to disk. `what` (e.g. "a GeoPackage") names, in the error,
    /// what cannot go to standard output, a pipe or a device.
    pub fn stage_path(&self, what: &str, body: impl FnOnce(&Path) -> Result<()>) -> Result<Staged> {
        let not_a_file = |shown: &str| {
            anyhow!(
                "{shown}: {what} cannot be written to standard output, a pipe or a device (it is \
                 written in place, so it needs a regular file); name a file"
            )
        };
        let Some(path) = &self.path else {
            return Err(not_a_file("-"));
        };
        let (file, existing) = match resolve(path)? {
            Target::File { file, existing } => (file, existing),
            Target::Stdout | Target::Direct => return Err(not_a_file(&path.display().to_string())),
        };
        let dir = parent_dir(&file);
        let perms = match &existing {
            Some(m) => Permissions::Keep(m),
            None => Permissions::New,
        };
        let (temp, handle) = create_temp(dir, perms).with_context(|| {
            format!(
                "{}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
        drop(handle);
        // From here on, dropping `staged` removes the temporary file.
        let staged = Staged {
            temp: Some(Temp {
                path: temp.clone(),
                target: file.clone(),
                shown: path.clone(),
            }),
        };
        body(&temp)
            .with_context(|| format!("{}: writing failed; nothing was written", path.display()))?;
        File::open(&temp)
            .and_then(|f| f.sync_all())
            .with_context(|| format!("{}: cannot flush to disk", path.display()))?;
        Ok(staged)
    }
}

/// A finished output waiting in a temporary file beside its destination (or, for standard
/// output and devices, already written). Dropping it removes the temporary file;
/// [`Staged::commit`] renames it into place.
#[must_use = "a staged output is discarded unless committed"]
pub struct Staged {
    temp: Option<Temp>,
}

struct Temp {
    /// The temporary file.
    path: PathBuf,
    /// Where it goes (symlinks resolved).
    target: PathBuf,
    /// The path as the user gave it, for messages.
    shown: PathBuf,
}

impl Staged {
    pub fn commit(mut self) -> Result<()> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        let mut registry = registry();
        if let Err(e) = fs::rename(&temp.path, &temp.target) {
            let _ = fs::remove_file(&temp.path);
            registry.retain(|p| p != &temp.path);
            drop(registry);
            bail!(
                "{}: cannot move the finished file into place: {e}",
                temp.shown.display()
            );
        }
        registry.retain(|p| p != &temp.path);
        drop(registry);
        // Make the rename itself durable (best effort: not every file system allows it).
        if let Ok(dir) = File::open(parent_dir(&temp.target)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            remove_temp(&temp.path);
        }
    }
}

/// An input file of the command, with its role for messages ("units layer", "weights",
/// "mapping", "rules file").
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub path: &'a Path,
    pub role: &'a str,
}

/// Before any work: every file output can be created (its directory exists and is writable,
/// it is not a directory), no output is the same file as an input, and no two file outputs are
/// the same file. Devices, FIFOs and stdout are exempt from the sameness checks.
pub fn preflight(outputs: &[&Output], inputs: &[Input]) -> Result<()> {
    if outputs.iter().filter(|o| o.path().is_none()).count() > 1 {
        bail!(
            "two outputs go to standard output (`-`, or the report without -o), where they \
             would run together; give all but one of them a file"
        );
    }
    let mut files: Vec<(&Path, Identity)> = Vec::new();
    for output in outputs {
        let target = match output.path() {
            None => Target::Stdout,
            Some(path) => resolve(path)?,
        };
        let (path, file, existing) = match (output.path(), target) {
            (Some(path), Target::File { file, existing }) => (path, file, existing),
            (_, Target::Stdout) => {
                stdout_open()?;
                continue;
            }
            _ => continue,
        };
        // Creating (and removing) a temporary file proves the directory takes new files.
        let dir = parent_dir(&file);
        let (probe, _) =
            create_temp(dir, Permissions::New).map_err(|e| cannot_write_here(path, dir, &e))?;
        remove_temp(&probe);
        let identity = match &existing {
            Some(m) => Identity::Inode(m.dev(), m.ino()),
            None => Identity::Path(file.clone()),
        };
        for input in inputs {
            // The file itself (`FILE.gpkg` of `FILE.gpkg:LAYER`), and a Shapefile's sidecars.
            let read = crate::layer::files_read(input.path);
            if read
                .iter()
                .any(|file| input_identity(file).as_ref() == Some(&identity))
            {
                bail!(
                    "{}: is also an input (the {}); write the output somewhere else",
                    path.display(),
                    input.role
                );
            }
        }
        if let Some((other, _)) = files.iter().find(|(_, id)| *id == identity) {
            let also = if *other == path {
                String::new()
            } else {
                format!(" (as {} too)", other.display())
            };
            bail!(
                "{}: named for two outputs{also}; give each output its own file",
                path.display()
            );
        }
        files.push((path, identity));
    }
    Ok(())
}

/// Install the signal handling (temp clean-up on INT/TERM/HUP, SIGXFSZ ignored). Called once
/// from main.
///
/// SIGXFSZ is ignored at once, so that a write over `ulimit -f` fails with "File too large"
/// and is cleaned up like any other failed write. The clean-up itself is set up only when the
/// first temporary file is made ([`watch_signals`]): a run that writes only to standard output
/// starts no signal thread. A library caller that never calls this gets neither.
pub fn install_signal_handlers() {
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    CLEAN_UP_ON_SIGNALS.store(true, Ordering::Relaxed);
}

/// Set by [`install_signal_handlers`]: temporary files are removed on INT/TERM/HUP.
static CLEAN_UP_ON_SIGNALS: AtomicBool = AtomicBool::new(false);

/// Once per process, before the first temporary file exists: a thread waits for the signals
/// (signal-hook's handler only writes to a pipe), removes every registered temporary file,
/// then lets the signal take its default action, so the exit status is the conventional
/// 128+signal. A signal that was ignored when the process started (`nohup`, a background job)
/// stays ignored.
fn watch_signals() {
    static WATCHING: std::sync::Once = std::sync::Once::new();
    if !CLEAN_UP_ON_SIGNALS.load(Ordering::Relaxed) {
        return;
    }
    WATCHING.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let wanted: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
            .into_iter()
            .filter(|&s| !ignored_at_start(s))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let Ok(mut signals) = signal_hook::iterator::Signals::new(&wanted) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("footprint-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the process ends: no temporary file is created or renamed
                    // after.
                    let registry = registry();
                    for path in registry.iter() {
                        let _ = fs::remove_file(path);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
    });
}

/// True when the error chain holds a broken pipe (used by main for a quiet exit 0).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        if let Some(io) = cause.downcast_ref::<io::Error>() {
            return io.kind() == io::ErrorKind::BrokenPipe;
        }
        if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            return json.io_error_kind() == Some(io::ErrorKind::BrokenPipe);
        }
        if let Some(csv) = cause.downcast_ref::<csv::Error>() {
            if let csv::ErrorKind::Io(io) = csv.kind() {
                return io.kind() == io::ErrorKind::BrokenPipe;
            }
        }
        false
    })
}

// ---------------------------------------------------------------------------------------------
// What a path is
// ---------------------------------------------------------------------------------------------

enum Target {
    /// This process's standard output, by another name (`/dev/stdout`, `/proc/self/fd/1`).
    Stdout,
    /// A device, FIFO or socket (or another open descriptor): written in place.
    Direct,
    /// A regular file, or nothing yet: `file` is where it is (symlinks resolved), `existing`
    /// what is there now.
    File {
        file: PathBuf,
        existing: Option<Metadata>,
    },
}

#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// An existing file.
    Inode(u64, u64),
    /// A file not created yet: its canonical directory and its name.
    Path(PathBuf),
}

fn resolve(path: &Path) -> Result<Target> {
    let text = path.as_os_str().to_string_lossy();
    if text.is_empty() {
        bail!("an empty output path; name an output file (or - for standard output)");
    }
    if text.ends_with('/') || path.file_name().is_none() {
        bail!("{}: is a directory; name an output file", path.display());
    }
    // Follow the links by hand to see whether one of them names a descriptor.
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match descriptor(&p) {
            Some(1) => return Ok(Target::Stdout),
            Some(_) => return Ok(Target::Direct),
            None => {}
        }
        match fs::read_link(&p) {
            Ok(t) => p = parent_dir(&p).join(t),
            Err(_) => break,
        }
    }
    match fs::metadata(path) {
        Ok(m) if m.is_dir() => bail!("{}: is a directory; name an output file", path.display()),
        Ok(m) if m.file_type().is_file() => {
            let file = fs::canonicalize(path)
                .with_context(|| format!("{}: cannot resolve the path", path.display()))?;
            Ok(Target::File {
                file,
                existing: Some(m),
            })
        }
        Ok(_) => Ok(Target::Direct),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // Nothing there, or a dangling link: the file is made where the last link points.
            let end = &p;
            let dir = parent_dir(end);
            let name = end.file_name().ok_or_else(|| {
                anyhow!("{}: is a directory; name an output file", path.display())
            })?;
            let canonical = fs::canonicalize(dir).map_err(|e| cannot_write_here(path, dir, &e))?;
            if !canonical.is_dir() {
                return Err(cannot_write_here(
                    path,
                    dir,
                    &io::Error::from(io::ErrorKind::NotADirectory),
                ));
            }
            Ok(Target::File {
                file: canonical.join(name),
                existing: None,
            })
        }
        Err(e) => Err(cannot_write_here(path, parent_dir(path), &e)),
    }
}

/// The descriptor a path names, for `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and
/// `/proc/{self,thread-self,PID}/fd/N`.
fn descriptor(p: &Path) -> Option<u32> {
    let text = p.to_str()?;
    match text {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let rest = text
        .strip_prefix("/dev/fd/")
        .or_else(|| text.strip_prefix("/proc/self/fd/"))
        .or_else(|| text.strip_prefix("/proc/thread-self/fd/"))
        .or_else(|| {
            let pid = std::process::id().to_string();
            text.strip_prefix("/proc/")?
                .strip_prefix(pid.as_str())?
                .strip_prefix("/fd/")
        })?;
    rest.parse().ok()
}

fn input_identity(path: &Path) -> Option<Identity> {
    let m = fs::metadata(path).ok()?;
    // Devices, FIFOs and directories are not files an output could destroy.
    m.file_type()
        .is_file()
        .then(|| Identity::Inode(m.dev(), m.ino()))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn cannot_write_here(path: &Path, dir: &Path, e: &io::Error) -> anyhow::Error {
    anyhow!(
        "{}: cannot write here (directory {} missing or not writable: {})",
        path.display(),
        dir.display(),
        e.kind()
    )
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// Set before `main` when the process started with descriptor 1 closed (`>&-`): Rust's runtime
/// then opens /dev/null there, which would swallow the report without an error.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

#[cfg(target_os = "linux")]
extern "C" fn note_closed_stdout() {
    // SAFETY: fcntl(F_GETFD) only reads the descriptor's flags.
    if unsafe { libc::fcntl(1, libc::F_GETFD) } == -1 {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

/// Fails when the process started with standard output closed.
fn stdout_open() -> Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Err(
            anyhow::Error::from(io::Error::from_raw_os_error(libc::EBADF))
                .context("writing standard output: it is closed"),
        );
    }
    Ok(())
}

fn write_stdout(body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    stdout_open()?;
    let stdout = io::stdout();
    let mut w = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = body(&mut w).and_then(|()| w.flush().map_err(anyhow::Error::from));
    match result {
        // The reader has all it wanted (`| head`): not an error.
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other.context("writing standard output"),
    }
}

fn write_direct(path: &Path, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    // Appending: a device or FIFO ignores it, and a file behind /dev/fd/N (`3>>log`) keeps what
    // it holds.
    let file = OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("{}: cannot open for writing", path.display()))?;
    let mut w = io::BufWriter::with_capacity(64 * 1024, file);
    let result = body(&mut w).and_then(|()| w.flush().map_err(anyhow::Error::from));
    match result {
        Err(e) if is_broken_pipe(&e) => Ok(()),
        other => other.with_context(|| format!("{}: writing failed", path.display())),
    }
}

fn stage_file(
    shown: &Path,
    target: &Path,
    existing: Option<&Metadata>,
    body: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<Staged> {
    let dir = parent_dir(target);
    let perms = match existing {
        Some(m) => Permissions::Keep(m),
        None => Permissions::New,
    };
    let (path, file) = create_temp(dir, perms).with_context(|| {
        format!(
            "{}: cannot create a file in {}",
            shown.display(),
            dir.display()
        )
    })?;
    // From here on, dropping `staged` removes the temporary file.
    let staged = Staged {
        temp: Some(Temp {
            path,
            target: target.to_path_buf(),
            shown: shown.to_path_buf(),
        }),
    };
    let mut w = io::BufWriter::with_capacity(64 * 1024, file);
    body(&mut w)
        .with_context(|| format!("{}: writing failed; nothing was written", shown.display()))?;
    let file = w.into_inner().map_err(|e| {
        anyhow!(
            "{}: writing failed; nothing was written: {}",
            shown.display(),
            e.error()
        )
    })?;
    file.sync_all()
        .with_context(|| format!("{}: cannot flush to disk", shown.display()))?;
    Ok(staged)
}

enum Permissions<'a> {
    /// 0666 less the umask, as any new file.
    New,
    /// Those of the file being replaced.
    Keep(&'a Metadata),
}

/// The registry of temporary files that exist now; the signal thread removes them.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> MutexGuard<'static, Vec<PathBuf>> {
    TEMPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Create a temporary file in `dir`, registered from the moment it exists (the registry is
/// held while it is created, so a signal never finds it unregistered). The caller removes it
/// with [`remove_temp`] or renames it (see [`Staged`]).
fn create_temp(dir: &Path, perms: Permissions) -> io::Result<(PathBuf, File)> {
    watch_signals();
    let mut registry = registry();
    let tmp = tempfile::Builder::new()
        .prefix(".footprint-")
        // The kernel takes the umask off.
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let (file, path) = tmp.keep().map_err(|e| e.error)?;
    registry.push(path.clone());
    if let Permissions::Keep(m) = perms {
        let kept = file
            .set_permissions(fs::Permissions::from_mode(m.mode() & 0o777))
            .and_then(|()| {
                // Root replacing another user's file gives it back to that user; others can
                // only keep their own, which they already have.
                std::os::unix::fs::fchown(&file, Some(m.uid()), Some(m.gid())).or(Ok(()))
            });
        if let Err(e) = kept {
            drop(registry);
            remove_temp(&path);
            return Err(e);
        }
    }
    Ok((path, file))
}

fn remove_temp(path: &Path) {
    let mut registry = registry();
    let _ = fs::remove_file(path);
    registry.retain(|p| p != path);
}

/// Whether `signal` was set to be ignored when the process started.
fn ignored_at_start(signal: i32) -> bool {
    // SAFETY: a query with a null new action changes nothing.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdout() {
        assert!(Output::new(Some(Path::new("-"))).path().is_none());
        assert!(Output::new(None).path().is_none());
        assert_eq!(
            Output::new(Some(Path::new("a.csv"))).path(),
            Some(Path::new("a.csv"))
        );
    }

    #[test]
    fn descriptors() {
        assert_eq!(descriptor(Path::new("/dev/stdout")), Some(1));
        assert_eq!(descriptor(Path::new("/proc/self/fd/1")), Some(1));
        assert_eq!(descriptor(Path::new("/dev/fd/3")), Some(3));
        assert_eq!(descriptor(Path::new("/dev/null")), None);
        assert_eq!(descriptor(Path::new("out.csv")), None);
    }

    #[test]
    fn output_over_input_refused_by_identity() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.geojson");
        fs::write(&input, "x").unwrap();
        fs::create_dir(dir.path().join("s")).unwrap();
        let dotted = dir.path().join("s/../in.geojson");
        let out = Output::new(Some(&dotted));
        let err = preflight(
            &[&out],
            &[Input {
                path: &input,
                role: "a layer",
            }],
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").contains("is also an input (the a layer)"),
            "{err:#}"
        );
        assert_eq!(fs::read(&input).unwrap(), b"x");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            2,
            "a probe left behind"
        );
    }

    #[test]
    fn two_outputs_one_file_refused_before_it_exists() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("s")).unwrap();
        let a = Output::new(Some(&dir.path().join("o.csv")));
        let b = Output::new(Some(&dir.path().join("s/../o.csv")));
        let err = preflight(&[&a, &b], &[]).unwrap_err();
        assert!(
            format!("{err:#}").contains("named for two outputs"),
            "{err:#}"
        );
    }

    #[test]
    fn failed_body_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.csv");
        fs::write(&path, "old").unwrap();
        let out = Output::new(Some(&path));
        let err = out
            .write(|w| {
                w.write_all(b"new")?;
                bail!("boom")
            })
            .unwrap_err();
        assert!(format!("{err:#}").contains("boom"));
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn staged_then_committed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.csv");
        let out = Output::new(Some(&path));
        let staged = out.stage(|w| Ok(w.write_all(b"new")?)).unwrap();
        assert!(!path.exists());
        staged.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn staged_by_path_then_committed_or_left_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o.gpkg");
        fs::write(&path, "old").unwrap();
        let out = Output::new(Some(&path));
        let Err(err) = out.stage_path("a GeoPackage", |p| {
            fs::write(p, "half")?;
            bail!("boom")
        }) else {
            panic!("the body failed")
        };
        assert!(
            format!("{err:#}").contains("nothing was written: boom"),
            "{err:#}"
        );
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let staged = out
            .stage_path("a GeoPackage", |p| Ok(fs::write(p, "new")?))
            .unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"old");
        staged.commit().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        let Err(err) = Output::stdout().stage_path("a GeoPackage", |_| Ok(())) else {
            panic!("standard output takes no GeoPackage")
        };
        assert!(err
            .to_string()
            .contains("cannot be written to standard output"));
    }

    #[test]
    fn broken_pipe_found_through_the_chain() {
        let e = anyhow::Error::from(io::Error::from(io::ErrorKind::BrokenPipe))
            .context("writing standard output");
        assert!(is_broken_pipe(&e));
        let e = anyhow::Error::from(serde_json::Error::io(io::Error::from(
            io::ErrorKind::BrokenPipe,
        )));
        assert!(is_broken_pipe(&e.context("x")));
        assert!(!is_broken_pipe(&anyhow!("no")));
    }

    #[test]
    fn two_outputs_to_standard_output_are_refused() {
        let (a, b) = (Output::stdout(), Output::new(Some(Path::new("-"))));
        let err = preflight(&[&a, &b], &[]).unwrap_err().to_string();
        assert!(err.contains("two outputs go to standard output"), "{err}");
    }
}
