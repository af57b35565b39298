//! Where outputs go. (Interim: the same behaviour as before, behind the new API; replaced by
//! the safe-output work on the `output` branch.)

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

pub struct Output {
    path: Option<PathBuf>,
}

impl Output {
    pub fn stdout() -> Output {
        Output { path: None }
    }
    pub fn new(path: Option<&Path>) -> Output {
        Output {
            path: path.map(Path::to_path_buf),
        }
    }
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
    pub fn write(&self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        crate::report::Destination {
            path: self.path.clone(),
        }
        .write(body)
    }
    pub fn stage(&self, body: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<Staged> {
        match &self.path {
            Some(p) => Ok(Staged(Some(crate::report::stage(p, body)?))),
            None => {
                self.write(body)?;
                Ok(Staged(None))
            }
        }
    }
}

pub struct Staged(Option<crate::report::Staged>);
impl Staged {
    pub fn commit(self) -> Result<()> {
        match self.0 {
            Some(s) => s.commit(),
            None => Ok(()),
        }
    }
}

pub struct Input<'a> {
    pub path: &'a Path,
    pub role: &'a str,
}

pub fn preflight(outputs: &[&Output], _inputs: &[Input]) -> Result<()> {
    for (i, o) in outputs.iter().enumerate() {
        if let Some(p) = o.path() {
            crate::report::check_writable(p)?;
            for other in &outputs[..i] {
                if let Some(q) = other.path() {
                    crate::report::check_distinct(q, p)?;
                }
            }
        }
    }
    Ok(())
}

pub fn install_signal_handlers() {}

pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
