//! ONS GSS codes (`E06000001`): a country letter, two digits naming the entity, six digits
//! numbering it. [`decode`] reads one; [`Tally`] counts a layer's codes by country and entity;
//! [`edition`] reads a geography's family and year from a field name such as `LAD21CD`.
//!
//! ```
//! use footprint::gss::{decode, Country};
//! let code = decode("E54000048").unwrap();
//! assert_eq!(code.country, Country::England);
//! assert_eq!(code.entity, Some("STP / ICB"));
//! assert!(decode("X07000004").is_none());
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

/// The country (or union of countries) a GSS code's first letter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Country {
    England,
    Wales,
    Scotland,
    #[serde(rename = "Northern Ireland")]
    NorthernIreland,
    /// `K`: Great Britain, the United Kingdom, England and Wales.
    #[serde(rename = "UK-wide")]
    UkWide,
}

impl Country {
    pub fn from_letter(c: u8) -> Option<Country> {
        Some(match c {
            b'E' => Country::England,
            b'W' => Country::Wales,
            b'S' => Country::Scotland,
            b'N' => Country::NorthernIreland,
            b'K' => Country::UkWide,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Country::England => "England",
            Country::Wales => "Wales",
            Country::Scotland => "Scotland",
            Country::NorthernIreland => "Northern Ireland",
            Country::UkWide => "UK-wide",
        }
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Entity codes of ONS's Register of Geographic Codes (the common ones): the code's first
/// three characters and what they name.
pub const ENTITIES: &[(&str, &str)] = &[
    ("E00", "output area"),
    ("E01", "LSOA"),
    ("E02", "MSOA"),
    ("E04", "civil parish"),
    ("E05", "electoral ward"),
    ("E06", "unitary authority"),
    ("E07", "non-metropolitan district"),
    ("E08", "metropolitan district"),
    ("E09", "London borough"),
    ("E10", "county"),
    ("E11", "metropolitan county"),
    ("E12", "region"),
    ("E13", "inner or outer London"),
    ("E14", "parliamentary constituency"),
    ("E15", "European electoral region"),
    ("E22", "community safety partnership"),
    ("E23", "police force area"),
    ("E26", "national park"),
    ("E30", "travel to work area"),
    ("E31", "fire and rescue authority"),
    ("E32", "London Assembly constituency"),
    ("E33", "workplace zone"),
    ("E34", "built-up area"),
    ("E35", "built-up area sub-division"),
    ("E37", "local enterprise partnership"),
    ("E38", "CCG / sub-ICB location"),
    ("E39", "NHS England region, local office"),
    ("E40", "NHS England region"),
    ("E47", "combined authority"),
    ("E54", "STP / ICB"),
    ("E92", "country"),
    ("W00", "output area"),
    ("W01", "LSOA"),
    ("W02", "MSOA"),
    ("W04", "community"),
    ("W05", "electoral ward"),
    ("W06", "unitary authority"),
    ("W07", "parliamentary constituency"),
    ("W09", "Senedd constituency"),
    ("W10", "Senedd electoral region"),
    ("W11", "local health board"),
    ("W92", "country"),
    ("S00", "output area"),
    ("S01", "data zone"),
    ("S02", "intermediate zone"),
    ("S08", "health board"),
    ("S12", "council area"),
    ("S13", "electoral ward"),
    ("S14", "parliamentary constituency"),
    ("S16", "Scottish Parliament constituency"),
    ("S37", "health and social care partnership"),
    ("S92", "country"),
    ("N00", "small area"),
    ("N06", "parliamentary constituency"),
    ("N08", "electoral ward"),
    ("N09", "local government district"),
    ("N92", "country"),
    ("K02", "United Kingdom"),
    ("K03", "Great Britain"),
    ("K04", "England and Wales"),
];

/// A decoded GSS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gss<'a> {
    pub country: Country,
    /// The first three characters, e.g. `E06`.
    pub prefix: &'a str,
    /// What the prefix names, when it is in [`ENTITIES`].
    pub entity: Option<&'static str>,
}

/// The GSS code `code` (`^[EWSNK]\d{8}$`), or None when it is not one.
pub fn decode(code: &str) -> Option<Gss<'_>> {
    let b = code.as_bytes();
    if b.len() != 9 || !b[1..].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let country = Country::from_letter(b[0])?;
    let prefix = &code[..3];
    let entity = ENTITIES.iter().find(|(p, _)| *p == prefix).map(|(_, e)| *e);
    Some(Gss {
        country,
        prefix,
        entity,
    })
}

/// The country of `code` when it is a GSS code.
pub fn country(code: &str) -> Option<Country> {
    decode(code).map(|g| g.country)
}

/// A layer's codes counted by country and by entity; codes that are not GSS codes apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub countries: BTreeMap<Country, usize>,
    /// By prefix, e.g. `E06`, with what it names: "E06 unitary authority".
    pub entities: BTreeMap<String, usize>,
    pub not_gss: usize,
}

impl Tally {
    pub fn of<'c>(codes: impl IntoIterator<Item = &'c str>) -> Tally {
        let mut t = Tally::default();
        for code in codes {
            match decode(code) {
                Some(g) => {
                    *t.countries.entry(g.country).or_default() += 1;
                    let label = match g.entity {
                        Some(e) => format!("{} {e}", g.prefix),
                        None => g.prefix.to_string(),
                    };
                    *t.entities.entry(label).or_default() += 1;
                }
                None => t.not_gss += 1,
            }
        }
        t
    }

    /// The one country of every code, when all are GSS codes of one country (not `K`).
    pub fn sole_country(&self) -> Option<Country> {
        match (self.not_gss, self.countries.len()) {
            (0, 1) => self
                .countries
                .keys()
                .next()
                .copied()
                .filter(|c| *c != Country::UkWide),
            _ => None,
        }
    }

    /// `England 309, Wales 22, ...` (and `not GSS N`).
    pub fn countries_text(&self) -> String {
        let mut parts: Vec<String> = self
            .countries
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        if self.not_gss > 0 {
            parts.push(format!("not GSS {}", self.not_gss));
        }
        parts.join(", ")
    }

    /// `E06 unitary authority 59, E07 non-metropolitan district 181, ...`
    pub fn entities_text(&self) -> String {
        let parts: Vec<String> = self
            .entities
            .iter()
            .map(|(e, n)| format!("{e} {n}"))
            .collect();
        parts.join(", ")
    }
}

/// A geography's family and edition year, from an ONS field name such as `LAD21CD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edition {
    /// The family, e.g. `LAD` (for LAD and LTLA fields alike).
    pub family: &'static str,
    /// The field's own prefix, e.g. `LTLA`.
    pub prefix: String,
    /// Four-digit year, e.g. 2021.
    pub year: u16,
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.family, self.year)
    }
}

/// Field prefixes and the family they belong to.
const FAMILIES: &[(&str, &str)] = &[
    ("LAD", "LAD"),
    ("LTLA", "LAD"),
    ("UTLA", "UTLA"),
    ("CTYUA", "UTLA"),
    ("CTY", "county"),
    ("STP", "STP/ICB"),
    ("ICB", "STP/ICB"),
    ("CCG", "CCG/sub-ICB"),
    ("SICBL", "CCG/sub-ICB"),
    ("LOC", "CCG/sub-ICB"),
    ("LSOA", "LSOA"),
    ("MSOA", "MSOA"),
    ("OA", "OA"),
    ("WD", "ward"),
    ("RGN", "region"),
    ("CTRY", "country"),
    ("NHSER", "NHS England region"),
    ("LHB", "LHB"),
    ("HB", "health board"),
    ("PCON", "constituency"),
    ("CAUTH", "combined authority"),
];

/// The family and edition of a code field named the ONS way (`LAD21CD` -> LAD 2021), or None.
pub fn edition(field: &str) -> Option<Edition> {
    let upper = field.to_ascii_uppercase();
    let stem = upper.strip_suffix("CD")?;
    let digits = stem.len().checked_sub(2)?;
    let (prefix, yy) = stem.split_at(digits);
    if !yy.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let family = FAMILIES.iter().find(|(p, _)| *p == prefix)?.1;
    let yy: u16 = yy.parse().ok()?;
    Some(Edition {
        family,
        prefix: prefix.to_string(),
        year: if yy >= 90 { 1900 + yy } else { 2000 + yy },
    })
}

/// A warning when two layers' code fields look like different editions of one family
/// (`LTLA19CD` and `LTLA21CD`): `fields` are (file, code field) pairs.
pub fn edition_warnings(fields: &[(String, &str)]) -> Vec<String> {
    let editions: Vec<Option<Edition>> = fields.iter().map(|(_, f)| edition(f)).collect();
    let mut out = Vec::new();
    for i in 0..fields.len() {
        for j in i + 1..fields.len() {
            if let (Some(a), Some(b)) = (&editions[i], &editions[j]) {
                if a.family == b.family && a.year != b.year {
                    out.push(format!(
                        "{} ({}: {a}) and {} ({}: {b}) look like different editions of one \
                         geography: codes and boundaries change between editions, so features \
                         need not match one for one (use layers of one year unless comparing \
                         the editions is the point)",
                        fields[i].0, fields[i].1, fields[j].0, fields[j].1
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_decode_by_country_and_entity() {
        let cases = [
            (
                "E06000001",
                Some((Country::England, Some("unitary authority"))),
            ),
            (
                "E09000033",
                Some((Country::England, Some("London borough"))),
            ),
            (
                "E38000006",
                Some((Country::England, Some("CCG / sub-ICB location"))),
            ),
            ("E54000048", Some((Country::England, Some("STP / ICB")))),
            (
                "W06000001",
                Some((Country::Wales, Some("unitary authority"))),
            ),
            (
                "W11000028",
                Some((Country::Wales, Some("local health board"))),
            ),
            ("S12000033", Some((Country::Scotland, Some("council area")))),
            ("S08000015", Some((Country::Scotland, Some("health board")))),
            (
                "N09000001",
                Some((Country::NorthernIreland, Some("local government district"))),
            ),
            ("K02000001", Some((Country::UkWide, Some("United Kingdom")))),
            ("E99000001", Some((Country::England, None))),
            ("X07000004", None),
            ("E0600000", None),
            ("E060000011", None),
            ("E06O00001", None),
            ("e06000001", None),
            ("RAL", None),
            ("", None),
            ("É6000001", None),
        ];
        for (code, want) in cases {
            let got = decode(code).map(|g| (g.country, g.entity));
            assert_eq!(got, want, "{code}");
        }
    }

    #[test]
    fn the_entity_table_is_well_formed() {
        for (i, (prefix, name)) in ENTITIES.iter().enumerate() {
            let b = prefix.as_bytes();
            assert!(
                b.len() == 3 && Country::from_letter(b[0]).is_some(),
                "{prefix}"
            );
            assert!(b[1..].iter().all(u8::is_ascii_digit), "{prefix}");
            assert!(!name.is_empty());
            assert!(
                ENTITIES[..i].iter().all(|(p, _)| p != prefix),
                "{prefix} twice"
            );
        }
    }

    #[test]
    fn a_tally_counts_countries_and_entities() {
        let t = Tally::of(["E06000001", "E07000008", "E06000002", "W06000001", "X1"]);
        assert_eq!(t.countries_text(), "England 3, Wales 1, not GSS 1");
        assert_eq!(
            t.entities_text(),
            "E06 unitary authority 2, E07 non-metropolitan district 1, W06 unitary authority 1"
        );
        assert_eq!(t.sole_country(), None);
        assert_eq!(
            Tally::of(["E54000048", "E54000007"]).sole_country(),
            Some(Country::England)
        );
        // Codes that are not all GSS, or UK-wide codes, give no country.
        assert_eq!(Tally::of(["E54000048", "RAL"]).sole_country(), None);
        assert_eq!(Tally::of(["K02000001"]).sole_country(), None);
        assert_eq!(Tally::of([]).sole_country(), None);
    }

    #[test]
    fn editions_from_field_names() {
        let e = |f: &str| edition(f).map(|e| e.to_string());
        assert_eq!(e("LAD21CD").as_deref(), Some("LAD 2021"));
        assert_eq!(e("LTLA19CD").as_deref(), Some("LAD 2019"));
        assert_eq!(e("STP21CD").as_deref(), Some("STP/ICB 2021"));
        assert_eq!(e("ICB22CD").as_deref(), Some("STP/ICB 2022"));
        assert_eq!(e("CCG21CD").as_deref(), Some("CCG/sub-ICB 2021"));
        assert_eq!(e("msoa11cd").as_deref(), Some("MSOA 2011"));
        assert_eq!(e("LSOA11CD").as_deref(), Some("LSOA 2011"));
        assert_eq!(e("STPCD"), None);
        assert_eq!(e("FOOTPRINTCD"), None);
        assert_eq!(e("code"), None);
        assert_eq!(e("CD"), None);
        assert_eq!(e("XYZ21CD"), None);
    }

    #[test]
    fn different_editions_of_one_family_are_warned_about() {
        let w = edition_warnings(&[
            ("ltla19.geojson".into(), "LTLA19CD"),
            ("ltla21.geojson".into(), "LTLA21CD"),
            ("stp21.geojson".into(), "STP21CD"),
        ]);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with(
                "ltla19.geojson (LTLA19CD: LAD 2019) and ltla21.geojson (LTLA21CD: LAD 2021) look like different editions"
            ),
            "{}",
            w[0]
        );
        // LAD21 and LTLA21 are one edition; STP and CCG are different families.
        assert!(edition_warnings(&[("a".into(), "LAD21CD"), ("b".into(), "LTLA21CD")]).is_empty());
        assert!(edition_warnings(&[("a".into(), "STP21CD"), ("b".into(), "CCG21CD")]).is_empty());
    }
}
