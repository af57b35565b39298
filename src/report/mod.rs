//! Reports and their writers: table for people, CSV for spreadsheets, JSON for scripts,
//! GeoJSON for QGIS. A report is data; the format is chosen at the edge.

pub mod geojson_out;
pub mod map;
pub mod table;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

pub use table::Table;

/// Output formats of the tabular reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Where a report goes: standard output, or a file written whole or not at all.
#[derive(Debug, Clone)]
pub struct Destination {
    pub path: Option<PathBuf>,
}

impl Destination {
    /// Fail early (before any heavy work) when the output file cannot be created.
    pub fn check_writable(&self) -> Result<()> {
        if let Some(path) = &self.path {
            check_writable(path)?;
        }
        Ok(())
    }

    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        match &self.path {
            None => {
                let stdout = std::io::stdout();
                let mut lock = std::io::BufWriter::new(stdout.lock());
                body(&mut lock)?;
                match lock.flush() {
                    // A closed pipe (`| head`) is not an error worth reporting.
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => other.context("cannot write to standard output"),
                }
            }
            Some(path) => write_atomically(path, body),
        }
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Check that `path` could be created: its directory exists and is writable, and the path
/// itself is not a directory.
pub fn check_writable(path: &Path) -> Result<()> {
    let text = path.as_os_str().to_string_lossy();
    if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        anyhow::bail!("{}: is a directory; name an output file", path.display());
    }
    let dir = parent_dir(path);
    tempfile::Builder::new()
        .prefix(".footprint-check")
        .tempfile_in(dir)
        .map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write here (directory {} missing or not writable: {})",
                path.display(),
                dir.display(),
                e.kind()
            )
        })?;
    Ok(())
}

/// Write to a temporary file beside `path`, then rename it into place.
pub fn write_atomically(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    stage(path, body)?.commit()
}

/// A finished output waiting in a temporary file beside its destination. Dropping it
/// removes the temporary file; [`Staged::commit`] renames it into place.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot move the finished file into place: {}",
                path.display(),
                e.error
            )
        })?;
        Ok(())
    }
}

/// Write the whole output to a temporary file beside `path`, ready to commit.
pub fn stage(path: &Path, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
    let dir = parent_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".footprint-")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "{}: cannot create a file in {}",
                path.display(),
                dir.display()
            )
        })?;
    let mut w = std::io::BufWriter::new(tmp);
    body(&mut w)
        .with_context(|| format!("{}: writing failed; nothing was written", path.display()))?;
    let tmp = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}: writing failed: {}", path.display(), e.error()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("{}: cannot flush to disk", path.display()))?;
    // Temporary files are private; the finished output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

/// Refuse two outputs that name the same file.
pub fn check_distinct(a: &Path, b: &Path) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    if abs(a) == abs(b) {
        anyhow::bail!(
            "{}: named for two outputs; give the report and the pieces different files",
            a.display()
        );
    }
    Ok(())
}

/// Format a number with a fixed number of decimals, without "-0".
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Round for machine output (CSV/JSON): 6 significant decimals are plenty for km² and shares.
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
