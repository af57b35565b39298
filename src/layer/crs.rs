//! Coordinate reference systems: which ones we read, and how we recognise them.

use std::fmt;
use std::str::FromStr;

/// The coordinate systems a layer may be in. Everything is analysed in British National Grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    /// WGS84 longitude/latitude in degrees (EPSG:4326, OGC CRS84; ETRS89 is taken as equal).
    Wgs84,
    /// OSGB36 / British National Grid, metres (EPSG:27700).
    Bng,
}

impl Crs {
    pub fn epsg(self) -> &'static str {
        match self {
            Crs::Wgs84 => "EPSG:4326",
            Crs::Bng => "EPSG:27700",
        }
    }

    /// Recognise a CRS name as written in a GeoJSON `crs` member or on the command line:
    /// `EPSG:27700`, `urn:ogc:def:crs:EPSG::27700`, `http://www.opengis.net/def/crs/EPSG/0/4326`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `27700`, `bng`, `wgs84`, `lonlat`.
    pub fn from_name(name: &str) -> Option<Crs> {
        let upper = name.trim().to_ascii_uppercase();
        match upper.as_str() {
            "BNG" | "OSGB" | "OSGB36" | "BRITISH NATIONAL GRID" => return Some(Crs::Bng),
            "WGS84" | "WGS 84" | "LONLAT" | "LON/LAT" | "CRS84" => return Some(Crs::Wgs84),
            _ => {}
        }
        if upper.ends_with("CRS84") {
            return Some(Crs::Wgs84);
        }
        let digits: String = upper
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let plain_number = digits.len() == upper.len();
        if !(upper.contains("EPSG") || plain_number) {
            return None;
        }
        match digits.as_str() {
            "4326" | "4258" | "4979" | "4937" => Some(Crs::Wgs84),
            "27700" => Some(Crs::Bng),
            _ => None,
        }
    }

    /// A system as a file declares it: a name ([`Crs::from_name`]) or a WKT definition.
    pub fn from_declared(name: &str) -> Option<Crs> {
        Crs::from_name(name).or_else(|| from_wkt(name))
    }

    /// Guess from the bounding box of all coordinates. `None` when neither system fits.
    pub fn from_extent(min: [f64; 2], max: [f64; 2]) -> Option<Crs> {
        if min[0] >= -180.0 && max[0] <= 180.0 && min[1] >= -90.0 && max[1] <= 90.0 {
            Some(Crs::Wgs84)
        } else if min[0] >= -100_000.0
            && max[0] <= 800_000.0
            && min[1] >= -200_000.0
            && max[1] <= 1_400_000.0
        {
            Some(Crs::Bng)
        } else {
            None
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.epsg())
    }
}

impl FromStr for Crs {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Crs::from_name(s).ok_or_else(|| {
            format!("unknown CRS {s:?}: use EPSG:4326 (WGS84 lon/lat) or EPSG:27700 (British National Grid)")
        })
    }
}

/// Bounding box (min, max) of positions; None when there are none.
pub fn bounds<'a>(points: impl IntoIterator<Item = &'a [f64; 2]>) -> Option<([f64; 2], [f64; 2])> {
    points.into_iter().fold(None, |acc, p| {
        let (mut min, mut max) = acc.unwrap_or((*p, *p));
        for i in 0..2 {
            min[i] = min[i].min(p[i]);
            max[i] = max[i].max(p[i]);
        }
        Some((min, max))
    })
}

/// Why a lon/lat extent is suspect.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtentProblem {
    /// It fits Great Britain only with latitude and longitude swapped: an error.
    Swapped,
    /// It reaches outside Great Britain (min, max): a warning.
    OutsideGb { min: [f64; 2], max: [f64; 2] },
}

impl fmt::Display for ExtentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtentProblem::Swapped => f.write_str(
                "coordinates look like latitude, longitude (swapped): GeoJSON positions are \
                 [longitude, latitude]; fix the file",
            ),
            ExtentProblem::OutsideGb { min, max } => write!(
                f,
                "lon/lat extent [{:.3}, {:.3}] - [{:.3}, {:.3}] reaches outside Great Britain; \
                 British National Grid measures are unreliable far from it",
                min[0], min[1], max[0], max[1]
            ),
        }
    }
}

/// Whether a lon/lat extent lies roughly over Great Britain, and if not, whether it looks like
/// latitude and longitude were swapped.
pub fn lonlat_extent_problem(min: [f64; 2], max: [f64; 2]) -> Option<ExtentProblem> {
    let in_gb = |lon: f64, lat: f64| (-9.5..=3.5).contains(&lon) && (49.0..=61.5).contains(&lat);
    if in_gb(min[0], min[1]) && in_gb(max[0], max[1]) {
        return None;
    }
    if in_gb(min[1], min[0]) && in_gb(max[1], max[0]) {
        return Some(ExtentProblem::Swapped);
    }
    Some(ExtentProblem::OutsideGb { min, max })
}

/// An extent (min, max) in input coordinates.
pub type Extent = ([f64; 2], [f64; 2]);

/// Every feature's coordinates must fit the same system: name the first that does not.
pub(super) fn check_one_system(
    extents: impl Iterator<Item = (usize, Option<Extent>)>,
) -> Result<(), (usize, String)> {
    let mut seen: [Option<usize>; 2] = [None, None];
    let mut counts = [0usize; 2];
    for (index, extent) in extents {
        let Some((min, max)) = extent else {
            continue;
        };
        let class = match Crs::from_extent(min, max) {
            Some(Crs::Wgs84) => 0,
            Some(Crs::Bng) => 1,
            None => {
                return Err((
                    index,
                    format!(
                        "coordinates [{}, {}] - [{}, {}] fit neither lon/lat degrees nor British National Grid metres",
                        min[0], min[1], max[0], max[1]
                    ),
                ))
            }
        };
        counts[class] += 1;
        seen[class].get_or_insert(index);
    }
    if let (Some(l), Some(b)) = (seen[0], seen[1]) {
        // Name the odd one out.
        let (odd, odd_kind, usual) = if counts[0] <= counts[1] {
            (l, "lon/lat degrees", "British National Grid metres")
        } else {
            (b, "British National Grid metres", "lon/lat degrees")
        };
        return Err((
            odd,
            format!("coordinates are in {odd_kind}, but the layer's other features are in {usual}"),
        ));
    }
    Ok(())
}

/// The layer's system: from `--crs`, else the `crs` member, else the coordinates; each
/// checked against the coordinates' extent. An error is a message and a hint.
pub(super) fn decide_crs(
    declared: Option<Declared>,
    option: Option<Crs>,
    extent: Option<Extent>,
) -> Result<(Crs, CrsSource), (String, String)> {
    if let Some(crs) = option {
        return from_option(crs, extent).map(|crs| (crs, CrsSource::CommandLine));
    }
    if let Some(declared) = declared {
        return from_member(&declared, extent).map(|crs| {
            (
                crs,
                CrsSource::Declared {
                    by: declared.by,
                    name: declared.short_name().to_string(),
                },
            )
        });
    }
    let from_extent = extent.and_then(|(min, max)| Crs::from_extent(min, max));
    match (from_extent, extent) {
        (Some(crs), _) => Ok((crs, CrsSource::Coordinates)),
        (None, None) => Ok((Crs::Wgs84, CrsSource::Default)),
        (None, Some(_)) => Err((
            format!(
                "cannot tell the coordinate system: coordinates {} are neither lon/lat degrees \
                 nor British National Grid metres",
                describe(extent)
            ),
            "reproject to EPSG:4326 or EPSG:27700, or pass --crs if you know it".into(),
        )),
    }
}

fn describe(e: Option<Extent>) -> String {
    match e {
        Some((min, max)) => format!("[{}, {}] - [{}, {}]", min[0], min[1], max[0], max[1]),
        None => "none".into(),
    }
}

/// `--crs`, which must fit the coordinates.
fn from_option(crs: Crs, extent: Option<Extent>) -> Result<Crs, (String, String)> {
    if let Some((min, max)) = extent {
        if Crs::from_extent(min, max) != Some(crs) {
            return Err((
                format!(
                    "--crs {crs} does not fit the coordinates {}",
                    describe(extent)
                ),
                match Crs::from_extent(min, max) {
                    Some(guess) => format!(
                        "they look like {guess}: drop --crs, or pass --crs {}",
                        guess.epsg()
                    ),
                    None => "check the file's coordinates".into(),
                },
            ));
        }
    }
    Ok(crs)
}

/// A coordinate system the file declares: a GeoJSON `crs` member, a Shapefile's `.prj`, a
/// GeoPackage's `gpkg_spatial_ref_sys` entry, a FlatGeobuf header.
#[derive(Debug, Clone, Copy)]
pub(super) struct Declared<'a> {
    /// Where it is declared, for messages: "crs member", ".prj", ...
    pub by: &'static str,
    /// A name ([`Crs::from_name`]) or a WKT definition.
    pub name: &'a str,
}

impl Declared<'_> {
    /// The system: by its name, else by its WKT definition.
    fn crs(&self) -> Option<Crs> {
        Crs::from_declared(self.name)
    }

    /// The name, or a WKT definition's own name.
    fn short_name(&self) -> &str {
        wkt_name(self.name).unwrap_or(self.name)
    }
}

/// The quoted name of a WKT definition (`PROJCS["OSGB 1936 / British National Grid", ...`).
fn wkt_name(wkt: &str) -> Option<&str> {
    let t = wkt.trim_start();
    let open = t.find(['[', '('])?;
    if !t[..open]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        || open == 0
    {
        return None;
    }
    let rest = t[open + 1..].trim_start().strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

/// A WKT definition (WKT1 as in `.prj` files, or WKT2) of British National Grid, or of
/// WGS84, ETRS89 or another WGS84 realisation in lon/lat degrees (equal within a metre here).
/// Anything else is `None`: it must be reprojected.
pub(super) fn from_wkt(wkt: &str) -> Option<Crs> {
    let name = wkt_name(wkt)?;
    let head = wkt
        .trim_start()
        .split(['[', '('])
        .next()?
        .to_ascii_uppercase();
    let normal = |s: &str| s.to_ascii_uppercase().replace(['_', ' ', '-'], "");
    // The outermost AUTHORITY / ID, when given, decides.
    let upper = wkt.to_ascii_uppercase();
    let authority = |key: &str| {
        let at = upper.rfind(key)?;
        let inner = &upper[at + key.len()..];
        let digits: String = inner
            .split(',')
            .nth(1)?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        Some(digits)
    };
    let code = authority("AUTHORITY[\"EPSG\"").or_else(|| authority("ID[\"EPSG\""));
    match head.as_str() {
        "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => {
            let n = normal(name);
            let bng = n.contains("BRITISHNATIONALGRID")
                || n == "OSGB1936"
                || code.as_deref() == Some("27700");
            bng.then_some(Crs::Bng)
        }
        "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS" => {
            let n = normal(name);
            let wgs = [
                "WGS84",
                "GCSWGS1984",
                "WGS1984",
                "ETRS89",
                "GCSETRS1989",
                "ETRS1989",
            ]
            .iter()
            .any(|w| n == *w)
                || matches!(code.as_deref(), Some("4326" | "4258" | "4979" | "4937"));
            wgs.then_some(Crs::Wgs84)
        }
        _ => None,
    }
}

/// The declared system, which must be one we read and fit the coordinates.
fn from_member(declared: &Declared, extent: Option<Extent>) -> Result<Crs, (String, String)> {
    let by = declared.by;
    let Some(crs) = declared.crs() else {
        return Err((
            format!("unsupported CRS {:?} in the {by}", declared.short_name()),
            format!(
                "reproject to EPSG:4326 or EPSG:27700 (e.g. ogr2ogr -t_srs EPSG:4326), or pass \
                 --crs if the {by} is wrong"
            ),
        ));
    };
    if let Some(guess) = extent.and_then(|(min, max)| Crs::from_extent(min, max)) {
        if guess != crs {
            return Err((
                format!(
                    "the {by} says {crs} but the coordinates {} look like {guess}",
                    describe(extent)
                ),
                format!("if the coordinates are right, pass --crs {}", guess.epsg()),
            ));
        }
    } else if extent.is_some() {
        return Err((
            format!(
                "coordinates {} are out of range for {crs}",
                describe(extent)
            ),
            "check the file's coordinates".into(),
        ));
    }
    Ok(crs)
}

/// How the layer's CRS was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CrsSource {
    /// Declared by the file: where (a GeoJSON "crs member", a Shapefile's ".prj", ...), and
    /// the name given.
    Declared {
        by: &'static str,
        name: String,
    },
    Coordinates,
    CommandLine,
    /// No coordinates to look at.
    Default,
}

impl std::fmt::Display for CrsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CrsSource::Declared { by, name } => write!(f, "{by} {name:?}"),
            CrsSource::Coordinates => f.write_str("coordinate ranges"),
            CrsSource::CommandLine => f.write_str("--crs"),
            CrsSource::Default => f.write_str("default (no coordinates)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_found_in_the_wild() {
        for (name, crs) in [
            ("urn:ogc:def:crs:EPSG::27700", Crs::Bng),
            ("EPSG:27700", Crs::Bng),
            ("epsg:27700", Crs::Bng),
            ("http://www.opengis.net/def/crs/EPSG/0/27700", Crs::Bng),
            ("27700", Crs::Bng),
            ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
            ("urn:ogc:def:crs:EPSG::4326", Crs::Wgs84),
            ("EPSG:4258", Crs::Wgs84),
            ("wgs84", Crs::Wgs84),
        ] {
            assert_eq!(Crs::from_name(name), Some(crs), "{name}");
        }
        assert_eq!(Crs::from_name("EPSG:3857"), None);
        assert_eq!(Crs::from_name("urn:ogc:def:crs:EPSG::2770"), None);
        assert_eq!(Crs::from_name("foo27700"), None);
    }

    #[test]
    fn extents() {
        assert_eq!(
            Crs::from_extent([-5.7, 50.0], [1.8, 55.8]),
            Some(Crs::Wgs84)
        );
        assert_eq!(
            Crs::from_extent([85_000.0, 7_000.0], [655_000.0, 657_000.0]),
            Some(Crs::Bng)
        );
        assert_eq!(Crs::from_extent([-2e7, -2e7], [2e7, 2e7]), None);
        assert_eq!(
            lonlat_extent_problem([50.0, -5.0], [55.0, 1.0]),
            Some(ExtentProblem::Swapped)
        );
        assert!(lonlat_extent_problem([-5.7, 50.0], [1.8, 55.8]).is_none());
    }
}
