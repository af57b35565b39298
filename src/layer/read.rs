//! Reading a layer's bytes: the file mapped into memory (its pages handed back as they are
//! read), the fast reader and the checker running side by side, and the serde reader when the
//! fast one gives up.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::geojson::{self, RawFeature};
use super::rings::{prep, Prepped};
use crate::error::LoadError;

/// Where a GeoJSON file declares its coordinate system.
const CRS_MEMBER: &str = "crs member";

/// Features are handed from the reader to the checker in batches of this many.
const BATCH: usize = 256;

/// Pages of the input are released in steps of this many bytes (a multiple of the page size):
/// at most this much of a mapped file is held at once (8 MB steps held 4 MB more at the peak
/// of overlaps LSOA11 x16 x CCG21; a 150 MB file costs 150 calls).
#[cfg(unix)]
const RELEASE_BYTES: usize = 1 << 20;

/// Regular files smaller than this are read into memory rather than mapped: a mapped file
/// truncated while it is read kills the process (SIGBUS), a file read into memory cannot.
/// Larger files are mapped, so that their pages can be handed back as they are read: reading
/// LSOA11 (14 MB) whole raised the peak memory of `inspect` by 8 MB (11 %).
pub(super) const MAP_BYTES: u64 = 8 << 20;

/// A layer's bytes: read into memory, or (a large regular file) mapped.
pub(super) enum Input {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Input {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Input::Read(v) => v,
            Input::Mapped(m) => m,
        }
    }
}

/// Open `path` and take its bytes, refusing directories, devices and empty files, and never
/// blocking on a FIFO that nobody writes to. A regular file is read into memory, or mapped
/// when large; a pipe or FIFO (`/dev/stdin`, `<(...)`) and a file that claims no size but has
/// content (under `/proc`) are read to their end.
pub(super) fn open_input(path: &Path) -> Result<Input, LoadError> {
    use std::io::Read as _;
    let err = |message: String, hint: &str| LoadError::new(path, None, message, hint);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // A FIFO opened for reading waits for a writer; without waiting, a FIFO nobody writes to
    // reads as empty at once. Regular files ignore the flag.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let mut file = options
        .open(path)
        .map_err(|e| err(format!("cannot open: {e}"), "check the path"))?;
    let meta = file
        .metadata()
        .map_err(|e| err(format!("cannot read: {e}"), "check the path"))?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(err(
            "is a directory, not a GeoJSON file".into(),
            "name a .geojson file",
        ));
    }
    let empty = |what: &str| {
        err(
            format!("is empty{what}"),
            "expected a GeoJSON FeatureCollection",
        )
    };
    if kind.is_file() && meta.len() > 0 {
        if meta.len() >= MAP_BYTES {
            // SAFETY: the map is read-only and lives only while we parse. A file changed
            // underneath us can produce a parse error, and a file truncated underneath us
            // kills the process with SIGBUS: the residual risk of mapping (see the README).
            return unsafe { memmap2::Mmap::map(&file) }
                .map(Input::Mapped)
                .map_err(|e| err(format!("cannot read: {e}"), "check the file"));
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        file.read_to_end(&mut bytes)
            .map_err(|e| err(format!("cannot read: {e}"), "check the file"))?;
        return if bytes.is_empty() {
            Err(empty(""))
        } else {
            Ok(Input::Read(bytes))
        };
    }
    let fifo = special_file(&kind).map_err(|device| {
        err(
            format!("not a regular file ({device})"),
            "name a .geojson file, or pipe one in: `cat FILE | footprint ... /dev/stdin`",
        )
    })?;
    if fifo {
        wait_for_writer(&file);
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| err(format!("cannot read: {e}"), "check the file"))?;
    if bytes.is_empty() {
        return Err(empty(if fifo {
            " (nothing was written to this pipe or FIFO)"
        } else {
            ""
        }));
    }
    Ok(Input::Read(bytes))
}

/// For what is neither a regular file nor a directory: Ok(true) for a FIFO or pipe (read as a
/// stream), Err(what it is) for a device or socket (refused: reading one could be endless).
fn special_file(kind: &std::fs::FileType) -> Result<bool, &'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() {
            return Err("a character device");
        }
        if kind.is_block_device() {
            return Err("a block device");
        }
        if kind.is_socket() {
            return Err("a socket");
        }
        Ok(kind.is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = kind;
        Ok(false)
    }
}

/// Reads of a FIFO opened without waiting wait for its writer from here on (and end at once
/// when there is none).
fn wait_for_writer(file: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own, with integer arguments only.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// Hands back the pages of a mapped file already read: the file stays in the page cache, but a
/// 150 MB input no longer adds 150 MB to this process's memory.
pub(super) struct Release<'a> {
    /// None for bytes read into memory: nothing to hand back (the serde reader may need them).
    #[cfg_attr(not(unix), allow(dead_code))]
    map: Option<&'a memmap2::Mmap>,
    released: usize,
}

impl<'a> Release<'a> {
    pub(super) fn new(input: &'a Input) -> Release<'a> {
        let map = match input {
            Input::Mapped(map) => Some(map),
            Input::Read(_) => None,
        };
        Release { map, released: 0 }
    }

    /// The reader has got to `offset`: release whole steps before it.
    pub(super) fn upto(&mut self, offset: usize) {
        #[cfg(unix)]
        let Some(map) = self.map
        else {
            return;
        };
        #[cfg(unix)]
        if offset - self.released >= RELEASE_BYTES {
            let end = offset / RELEASE_BYTES * RELEASE_BYTES;
            // SAFETY: a read-only private file mapping; pages dropped here are read again
            // from the file if touched (for example by the serde reader).
            let _ = unsafe {
                map.unchecked_advise_range(
                    memmap2::UncheckedAdvice::DontNeed,
                    self.released,
                    end - self.released,
                )
            };
            self.released = end;
        }
        #[cfg(not(unix))]
        let _ = offset;
    }
}

/// The file name alone, for timings and progress.
pub(super) fn short_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// A layer as read: features with their geometry taken out, checked and built.
pub(super) struct Read {
    pub(super) crs_name: Option<String>,
    /// Where the file declares `crs_name`: "crs member", ".prj", ...
    pub(super) crs_by: &'static str,
    pub(super) raw: Vec<RawFeature>,
    pub(super) prepped: Vec<Prepped>,
}

impl Read {
    /// A GeoJSON document's features, checked.
    pub(super) fn check(doc: geojson::RawDocument) -> Read {
        Read::check_as(doc, CRS_MEMBER)
    }

    /// Features from any reader, checked; `crs_by` is where its system is declared.
    pub(super) fn check_as(mut doc: geojson::RawDocument, crs_by: &'static str) -> Read {
        let prepped = doc.features.par_iter_mut().map(prep).collect();
        Read {
            crs_name: doc.crs_name,
            crs_by,
            raw: doc.features,
            prepped,
        }
    }
}

/// Read and check every feature of `bytes`: the fast reader when it can, the serde reader
/// (which decides, and explains) when it gives up.
pub(super) fn read(
    path: &Path,
    label: &str,
    bytes: &[u8],
    release: &mut dyn FnMut(usize),
) -> Result<Read, LoadError> {
    let start = Instant::now();
    let (fast, raw, prepped, busy) = read_fast(label, bytes, release);
    match fast {
        Ok(crs_name) => {
            crate::timings::report(&format!("parse {label}"), start);
            crate::timings::report(
                &format!(
                    "check {label} (in parallel with parse, {:.3} s of work)",
                    busy.as_secs_f64()
                ),
                start,
            );
            Ok(Read {
                crs_name,
                crs_by: CRS_MEMBER,
                raw,
                prepped,
            })
        }
        Err(geojson::GiveUp) => {
            // Not the common shape, or malformed: the serde reader decides, and explains.
            drop((raw, prepped));
            let doc = geojson::parse(bytes).map_err(|e| match not_geojson(bytes) {
                // Not JSON at all, but a kind of file we can name.
                Some((message, hint)) => LoadError::new(path, None, message, hint),
                None => LoadError::malformed(
                    path,
                    &e,
                    "expected a GeoJSON FeatureCollection of Polygon/MultiPolygon features",
                ),
            })?;
            crate::timings::report(&format!("parse {label}"), start);
            Ok(crate::timings::time(
                || format!("check {label}"),
                || Read::check(doc),
            ))
        }
    }
}

/// What a file that is not JSON is instead, when its first bytes say: the message and hint.
fn not_geojson(bytes: &[u8]) -> Option<(String, &'static str)> {
    let utf16 = bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || matches!(bytes, [a, 0, ..] | [0, a, ..] if *a != 0);
    if utf16 {
        return Some((
            "this file is UTF-16; save it as UTF-8".into(),
            "GeoJSON is read as UTF-8 text (RFC 8259)",
        ));
    }
    if bytes.starts_with(b"\x1F\x8B") {
        return Some((
            "this looks like a gzip file, not GeoJSON".into(),
            "gunzip it, or pipe it in: `footprint inspect <(gunzip -c FILE.gz)`",
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let line = body.split(|&c| c == b'\n').next().unwrap_or_default();
    let line = std::str::from_utf8(line).ok()?.trim_end_matches('\r');
    let first = line.trim_start().chars().next()?;
    if first != '{' && first != '[' && line.contains(',') && !line.chars().any(char::is_control) {
        let mut header: String = line.chars().take(60).collect();
        if header.len() < line.len() {
            header.push_str("...");
        }
        return Some((
            format!("this looks like CSV (header: {header}), not GeoJSON"),
            "a layer is GeoJSON, GeoPackage, FlatGeobuf or a Shapefile (a CSV of points is \
             read by --weights)",
        ));
    }
    None
}

/// The fast reader hands over features as it reads them; meanwhile the checker builds their
/// polygons, validates them, projects them and measures them on the rayon threads (the two
/// sides take about as long on a large file). Returns the reader's outcome, the features and
/// their checks so far, and the checker's time at work.
fn read_fast(
    label: &str,
    bytes: &[u8],
    release: &mut dyn FnMut(usize),
) -> (
    Result<Option<String>, geojson::GiveUp>,
    Vec<RawFeature>,
    Vec<Prepped>,
    Duration,
) {
    let bar = crate::progress::Task::new(format!("reading {label}"), bytes.len() as u64, true);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RawFeature>>(64);
    let (fast, (raw, prepped, busy)) = std::thread::scope(|s| {
        let checker = if crate::one_thread() {
            None
        } else {
            std::thread::Builder::new()
                .name("checker".into())
                .spawn_scoped(s, move || check_batches(rx))
                .ok()
        };
        let Some(checker) = checker else {
            // No thread for the checker (the process may start no more): read, then check.
            let mut raw = Vec::new();
            let fast = geojson::parse_fast(bytes, &mut |feature, offset| {
                raw.push(feature);
                bar.set(offset as u64);
                release(offset);
            });
            let t = Instant::now();
            let prepped = match fast {
                Ok(_) => raw.par_iter_mut().map(prep).collect(),
                Err(_) => Vec::new(),
            };
            return (fast, (raw, prepped, t.elapsed()));
        };
        let fast = {
            let tx = tx;
            let mut batch = Vec::with_capacity(BATCH);
            let fast = geojson::parse_fast(bytes, &mut |feature, offset| {
                batch.push(feature);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    let _ = tx.send(full);
                }
                bar.set(offset as u64);
                release(offset);
            });
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            fast
        };
        let checked = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (fast, checked)
    });
    drop(bar);
    (fast, raw, prepped, busy)
}

/// The checker: each batch checked on the rayon threads, in order. The batches are joined
/// at the end into vectors of exactly the layer's length: grown as they came, they would be
/// up to twice that (for LSOA11 x16, 24 MB where 6 MB is used).
fn check_batches(
    rx: std::sync::mpsc::Receiver<Vec<RawFeature>>,
) -> (Vec<RawFeature>, Vec<Prepped>, Duration) {
    let mut batches = Vec::new();
    let mut busy = Duration::ZERO;
    for mut batch in rx {
        let t = Instant::now();
        let prepped: Vec<Prepped> = batch.par_iter_mut().map(prep).collect();
        busy += t.elapsed();
        batches.push((batch, prepped));
    }
    let n = batches.iter().map(|(b, _)| b.len()).sum();
    let (mut raw, mut prepped) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for (b, p) in batches {
        raw.extend(b);
        prepped.extend(p);
    }
    (raw, prepped, busy)
}
