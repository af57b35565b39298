//! Zipped Shapefiles, as they are downloaded: `FILE.zip` when it holds one `.shp`, or
//! `FILE.zip:inner/name.shp` when it holds several. The `.shp` and its sidecars (`.dbf`,
//! `.prj`, `.cpg`, matched by name without regard to case) are read out of the zip into
//! memory, each at most [`MAX_MEMBER`] bytes, so a zip bomb is an error, not an exhausted
//! machine. A zip without a Shapefile may hold one other layer file (GeoJSON, GeoPackage,
//! FlatGeobuf), or name it as `FILE.zip:name`: its bytes are read as that file's would be.

use std::borrow::Cow;
use std::io::{Cursor, Read as _};
use std::path::Path;

use zip::ZipArchive;

use super::shp;
use super::source::Source;
use crate::error::LoadError;

/// The most a member of the zip may hold once unzipped: 2 GiB, the Shapefile format's own
/// limit for each of its files.
const MAX_MEMBER: u64 = 2 << 30;

/// Read the Shapefile `inner` names in the zip `bytes` (or its only one).
pub(super) fn read(path: &Path, inner: Option<&str>, bytes: &[u8]) -> Result<Source, LoadError> {
    read_limited(path, inner, bytes, MAX_MEMBER)
}

fn read_limited(
    path: &Path,
    inner: Option<&str>,
    bytes: &[u8],
    limit: u64,
) -> Result<Source, LoadError> {
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
    let layers: Vec<&String> = names.iter().filter(|n| is_layer_file(n)).collect();
    let file = super::source::split(path).0;
    let file = file.display();
    let several = |what: &str, found: &[&String]| {
        err(
            format!("the zip holds {} {what}: {}", found.len(), listing(found)),
            &format!("name one as {file}:{}", found[0]),
        )
    };
    let chosen = match inner {
        Some(inner) => match (find(&shps, inner), find(&layers, inner)) {
            (Some(n), _) => n,
            (None, Some(n)) => return inner_layer(path, &mut zip, &n, limit),
            (None, None) => {
                let all: Vec<&String> = shps.iter().chain(&layers).copied().collect();
                if all.is_empty() {
                    return Err(no_shp(path, &names));
                }
                return Err(err(
                    format!(
                        "the zip holds no {inner:?}; its layers are: {}",
                        listing(&all)
                    ),
                    &format!("name one as {file}:{}", all[0]),
                ));
            }
        },
        None => match (&shps[..], &layers[..]) {
            ([one], _) => (*one).clone(),
            ([], [one]) => return inner_layer(path, &mut zip, one, limit),
            ([], []) => return Err(no_shp(path, &names)),
            ([], _) => return Err(several("layer files", &layers)),
            (_, _) => return Err(several("Shapefiles", &shps)),
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
    let mut member = |name: &str| unzip(path, &mut zip, name, limit);
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
    .map(Source::Opened)
}

/// The member named `inner` (exactly, else without regard to case, else by its name without
/// folders when only one has it) among `candidates`.
fn find(candidates: &[&String], inner: &str) -> Option<String> {
    let only = |found: Vec<&String>| match found[..] {
        [one] => Some(one.clone()),
        _ => None,
    };
    let matching = |test: &dyn Fn(&str) -> bool| {
        candidates
            .iter()
            .copied()
            .filter(|n| test(n))
            .collect::<Vec<&String>>()
    };
    candidates
        .iter()
        .find(|n| n.as_str() == inner)
        .map(|n| (*n).clone())
        .or_else(|| only(matching(&|n| n.eq_ignore_ascii_case(inner))))
        .or_else(|| only(matching(&|n| base(n).eq_ignore_ascii_case(inner))))
}

/// Files footprint reads as they are, when a zip holds one instead of a Shapefile.
fn is_layer_file(name: &str) -> bool {
    ["geojson", "json", "gpkg", "fgb"]
        .iter()
        .any(|e| has_ext(name, e))
}

/// The bytes of the layer file `name` in the zip, unless they are a zip again.
fn inner_layer(
    path: &Path,
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Source, LoadError> {
    let bytes = unzip(path, zip, name, limit)?;
    if super::source::Format::sniff(&bytes) == Some(super::source::Format::Zip) {
        return Err(LoadError::new(
            path,
            None,
            format!("{name} in the zip is a zip itself"),
            "unzip it, and name what is inside",
        ));
    }
    Ok(Source::Inner(bytes))
}

/// Member `name` unzipped into memory, at most `limit` bytes.
fn unzip(
    path: &Path,
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Vec<u8>, LoadError> {
    let err = |message: String| {
        LoadError::new(
            path,
            None,
            message,
            "check the download is whole, or unzip it and name the .shp inside",
        )
    };
    let mut f = zip
        .by_name(name)
        .map_err(|e| err(format!("{name} in the zip cannot be read: {e}")))?;
    if f.size() > limit {
        return Err(too_big(path, name, limit));
    }
    let mut out = Vec::with_capacity(f.size().min(64 << 20) as usize);
    (&mut f)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| err(format!("{name} in the zip cannot be unzipped: {e}")))?;
    if out.len() as u64 > limit {
        return Err(too_big(path, name, limit));
    }
    Ok(out)
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
    let hint = "name a zip that holds a Shapefile (.shp with its .dbf), or a layer file \
                (GeoJSON, GeoPackage, FlatGeobuf)";
    LoadError::new(
        path,
        None,
        format!("this is a zip without a .shp; it holds: {holds}"),
        hint,
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

    fn message(r: Result<Source, LoadError>) -> String {
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
        let Source::Opened(o) = read(Path::new("x.zip"), None, &z).unwrap() else {
            panic!("not read as a Shapefile")
        };
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
        let z = zip_of(&[("lookup.csv", b"a,b"), ("readme.txt", b"hi")]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(
            e.contains("this is a zip without a .shp; it holds: lookup.csv, readme.txt"),
            "{e}"
        );
    }

    #[test]
    fn a_zip_of_one_other_layer_file_gives_its_bytes() {
        let z = zip_of(&[("readme.txt", b"hi"), ("data/councils.geojson", b"{}")]);
        match read(Path::new("x.zip"), None, &z) {
            Ok(Source::Inner(bytes)) => assert_eq!(bytes, b"{}"),
            _ => panic!("not the layer's bytes"),
        }
        let z = zip_of(&[("a.geojson", b"{}"), ("b.gpkg", b"SQLite")]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(e.contains("2 layer files: a.geojson, b.gpkg"), "{e}");
        assert!(matches!(
            read(Path::new("x.zip"), Some("b.gpkg"), &z),
            Ok(Source::Inner(_))
        ));
        // A zip in the zip is refused, whatever its name (no zip quines).
        let inner = zip_of(&[("a.geojson", b"{}")]);
        let z = zip_of(&[("a.geojson", &inner)]);
        let e = message(read(Path::new("x.zip"), None, &z));
        assert!(e.contains("a.geojson in the zip is a zip itself"), "{e}");
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
