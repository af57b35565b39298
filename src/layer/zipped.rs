//! Zipped Shapefiles, as they are downloaded: `FILE.zip` when it holds one `.shp`, or
//! `FILE.zip:inner/name.shp` when it holds several. The `.shp` and its sidecars (`.dbf`,
//! `.prj`, `.cpg`, matched by name without regard to case) are read out of the zip into
//! memory, each at most [`MAX_MEMBER`] bytes, so a zip bomb is an error, not an exhausted
//! machine.

use std::borrow::Cow;
use std::io::{Cursor, Read as _};
use std::path::Path;

use zip::ZipArchive;

use super::shp;
use super::source::Opened;
use crate::error::LoadError;

/// The most a member of the zip may hold once unzipped: 2 GiB, the Shapefile format's own
/// limit for each of its files.
const MAX_MEMBER: u64 = 2 << 30;

/// Read the Shapefile `inner` names in the zip `bytes` (or its only one).
pub(super) fn read(path: &Path, inner: Option<&str>, bytes: &[u8]) -> Result<Opened, LoadError> {
    read_limited(path, inner, bytes, MAX_MEMBER)
}

fn read_limited(
    path: &Path,
    inner: Option<&str>,
    bytes: &[u8],
    limit: u64,
) -> Result<Opened, LoadError> {
    let err = |message: String, hint: &str| LoadError::new(path, None, message, hint);
    let unreadable = |e: zip::result::ZipError| {
        err(
            format!("this is a zip file, but it cannot be read: {e}"),
            "check the download is whole, or unzip it and name the .shp inside",
        )
    };
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| zip.name_for_index(i))
        .filter_map(|n| n.ok().map(Cow::into_owned))
        .filter(|n| !is_noise(n))
        .collect();
    let shps: Vec<&String> = names.iter().filter(|n| has_ext(n, "shp")).collect();
    let file = super::source::split(path).0;
    let file = file.display();
    let chosen = match inner {
        Some(inner) => {
            let exact = shps.iter().find(|n| n.as_str() == inner);
            let folded: Vec<&&String> = shps
                .iter()
                .filter(|n| n.eq_ignore_ascii_case(inner))
                .collect();
            // `name.shp` for `folder/name.shp`, when only one is so named.
            let by_base: Vec<&&String> = shps
                .iter()
                .filter(|n| base(n).eq_ignore_ascii_case(inner))
                .collect();
            let found = exact
                .or(match folded[..] {
                    [one] => Some(one),
                    _ => None,
                })
                .or(match by_base[..] {
                    [one] => Some(one),
                    _ => None,
                });
            match found {
                Some(n) => (*n).clone(),
                None if shps.is_empty() => return Err(no_shp(path, &names)),
                None => {
                    return Err(err(
                        format!(
                            "the zip holds no {inner:?}; its Shapefiles are: {}",
                            listing(&shps)
                        ),
                        &format!("name one as {file}:{}", shps[0]),
                    ))
                }
            }
        }
        None => match shps[..] {
            [one] => one.clone(),
            [] => return Err(no_shp(path, &names)),
            _ => {
                return Err(err(
                    format!(
                        "the zip holds {} Shapefiles: {}",
                        shps.len(),
                        listing(&shps)
                    ),
                    &format!("name one as {file}:{}", shps[0]),
                ))
            }
        },
    };
    let stem = &chosen[..chosen.len() - 4];
    let sidecar = |ext: &str| {
        names
            .iter()
            .find(|n| {
                n.len() == stem.len() + 4
                    && has_ext(n, ext)
                    && n[..stem.len()].eq_ignore_ascii_case(stem)
            })
            .cloned()
    };
    let mut member = |name: &str| -> Result<Vec<u8>, LoadError> {
        let mut f = zip.by_name(name).map_err(|e| {
            err(
                format!("{name} in the zip cannot be read: {e}"),
                "check the download is whole, or unzip it and name the .shp inside",
            )
        })?;
        if f.size() > limit {
            return Err(too_big(path, name, limit));
        }
        let mut out = Vec::with_capacity(f.size().min(64 << 20) as usize);
        (&mut f)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                err(
                    format!("{name} in the zip cannot be unzipped: {e}"),
                    "check the download is whole, or unzip it and name the .shp inside",
                )
            })?;
        if out.len() as u64 > limit {
            return Err(too_big(path, name, limit));
        }
        Ok(out)
    };
    let shp_bytes = member(&chosen)?;
    let Some(dbf_name) = sidecar("dbf") else {
        return Err(err(
            format!("the zip holds {chosen} but not its {stem}.dbf, which has its attributes"),
            "a Shapefile needs its .dbf beside the .shp (with the same name): download it again",
        ));
    };
    let dbf = member(&dbf_name)?;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    let prj = match sidecar("prj") {
        Some(n) => Some(text(member(&n)?)),
        None => None,
    };
    let cpg = match sidecar("cpg") {
        Some(n) => Some(text(member(&n)?)),
        None => None,
    };
    shp::read(
        path,
        shp::Parts {
            shp: &shp_bytes,
            dbf: &dbf,
            prj,
            cpg,
        },
    )
}

/// macOS's resource forks (`__MACOSX/`, `._name`) and folders: not files of the layer.
fn is_noise(name: &str) -> bool {
    name.ends_with('/') || name.starts_with("__MACOSX/") || base(name).starts_with("._")
}

fn base(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn has_ext(name: &str, ext: &str) -> bool {
    name.len() > ext.len() + 1
        && name.as_bytes()[name.len() - ext.len() - 1] == b'.'
        && name[name.len() - ext.len()..].eq_ignore_ascii_case(ext)
}

fn listing(names: &[&String]) -> String {
    names
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn no_shp(path: &Path, names: &[String]) -> LoadError {
    let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    let more = names.len().saturating_sub(shown.len());
    let holds = match (shown.is_empty(), more) {
        (true, _) => "nothing".to_string(),
        (false, 0) => shown.join(", "),
        (false, n) => format!("{}, and {n} more", shown.join(", ")),
    };
    let layer = names.iter().find(|n| {
        ["geojson", "json", "gpkg", "fgb"]
            .iter()
            .any(|e| has_ext(n, e))
    });
    let hint = match layer {
        Some(n) => format!("unzip it and name {n}, which footprint reads as it is"),
        None => "name a zip that holds a Shapefile (.shp with its .dbf), or a layer file".into(),
    };
    LoadError::new(
        path,
        None,
        format!("this is a zip without a .shp; it holds: {holds}"),
        &hint,
    )
}

fn too_big(path: &Path, name: &str, limit: u64) -> LoadError {
    LoadError::new(
        path,
        None,
        format!(
            "{name} in the zip unzips to more than {} MB, more than a Shapefile's file can \
             hold (this may be a zip bomb)",
            limit >> 20
        ),
        "unzip it yourself and name the .shp inside, if it is what you expect",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::shp::tests::{dbf_bytes, shp_bytes};
    use std::io::Write as _;
    use zip::write::SimpleFileOptions;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in members {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn layer() -> (Vec<u8>, Vec<u8>) {
        let ring = vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)];
        let shp = shp_bytes(&[vec![ring]]);
        let dbf = dbf_bytes(0, &[("CODE", b'C', 9, 0)], &[vec!["Môn".as_bytes()]]);
        (shp, dbf)
    }

    fn message(r: Result<Opened, LoadError>) -> String {
        r.err().expect("an error").to_string()
    }

    #[test]
    fn the_only_shp_with_its_sidecars_in_any_case() {
        let (shp, dbf) = layer();
        let z = zip_of(&[
            ("__MACOSX/._Councils.shp", b"junk"),
            ("data/Councils.SHP", &shp),
            ("data/councils.dbf", &dbf),
            ("data/COUNCILS.cpg", b"UTF-8"),
            ("data/Councils.prj", b"GEOGCS[\"GCS_WGS_1984\"]"),
        ]);
        let o = read(Path::new("x.zip"), None, &z).unwrap();
        assert_eq!(o.doc.features.len(), 1);
        assert_eq!(o.doc.features[0].properties["CODE"], "Môn");
        assert_eq!(o.doc.crs_name.as_deref(), Some("GEOGCS[\"GCS_WGS_1984\"]"));
    }

    #[test]
    fn several_shps_need_a_name() {
        let (shp, dbf) = layer();
        let z = zip_of(&[
            ("a/one.shp", &shp),
            ("a/one.dbf", &dbf),
            ("b/two.shp", &shp),
            ("b/two.dbf", &dbf),
        ]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(e.contains("2 Shapefiles: a/one.shp, b/two.shp"), "{e}");
        assert!(e.contains("x.zip:a/one.shp"), "{e}");
        assert!(read(Path::new("x.zip"), Some("b/two.shp"), &z).is_ok());
        assert!(read(Path::new("x.zip"), Some("TWO.shp"), &z).is_ok());
        let e = message(read(Path::new("x.zip"), Some("three.shp"), &z));
        assert!(e.contains("no \"three.shp\""), "{e}");
    }

    #[test]
    fn a_zip_without_a_shp_says_what_it_holds() {
        let z = zip_of(&[("councils.geojson", b"{}"), ("readme.txt", b"hi")]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(
            e.contains("this is a zip without a .shp; it holds: councils.geojson, readme.txt"),
            "{e}"
        );
        assert!(e.contains("unzip it and name councils.geojson"), "{e}");
    }

    #[test]
    fn a_shp_without_its_dbf() {
        let (shp, _) = layer();
        let z = zip_of(&[("one.shp", &shp)]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(e.contains("not its one.dbf"), "{e}");
    }

    #[test]
    fn a_zip_bomb_is_an_error() {
        let (_, dbf) = layer();
        let big = vec![0u8; 1 << 20];
        let z = zip_of(&[("one.shp", &big), ("one.dbf", &dbf)]);
        assert!(z.len() < 20_000, "{}", z.len());
        let e = message(read_limited(Path::new("x.zip"), None, &z, 64 << 10));
        assert!(e.contains("zip bomb"), "{e}");
    }

    #[test]
    fn every_cut_is_an_error_never_a_panic() {
        let (shp, dbf) = layer();
        let z = zip_of(&[("one.shp", &shp), ("one.dbf", &dbf)]);
        assert!(read(Path::new("x.zip"), None, &z).is_ok());
        for cut in 0..z.len() {
            let _ = read(Path::new("x.zip"), None, &z[..cut]);
        }
        for at in 0..z.len() {
            let mut bad = z.clone();
            bad[at] ^= 0xFF;
            let _ = read(Path::new("x.zip"), None, &bad);
        }
    }
}
