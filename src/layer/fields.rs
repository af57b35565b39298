//! Finding a layer's code and name fields, the ONS way.
//!
//! ONS layers carry a code property ending in `CD` (`LAD21CD`, `STP21CD`) and a name ending in
//! `NM`. The code field is the `...CD` property whose values are present and unique (the first
//! such, in the file's order); failing that, `code` or `id`; failing that, the Feature `id`
//! member. The name field is the `...NM` with the code's prefix, any `...NM`, or `name`.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use super::geojson::RawFeature;

/// Where a feature's code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSource {
    Property(String),
    /// The Feature's `id` member.
    FeatureId,
}

impl CodeSource {
    pub fn label(&self) -> String {
        match self {
            CodeSource::Property(p) => p.clone(),
            CodeSource::FeatureId => "id (Feature member)".to_string(),
        }
    }
}

/// Result of field detection: the choice and any doubts about it.
#[derive(Debug)]
pub struct Fields {
    pub code: CodeSource,
    pub name: Option<String>,
    pub notes: Vec<String>,
}

/// A property value as text, if it is a non-empty string or a number.
pub fn value_text(v: Option<&Value>) -> Option<String> {
    value_str(v).map(Cow::into_owned)
}

/// [`value_text`], borrowed from the value when it is a string.
fn value_str(v: Option<&Value>) -> Option<Cow<'_, str>> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(Cow::Borrowed(s.trim())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

/// Property keys in order of first appearance.
pub(crate) fn keys_in_order(features: &[RawFeature]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut keys = Vec::new();
    let mut previous: Option<&RawFeature> = None;
    for f in features {
        // Features of one layer nearly always have the same keys as the one before.
        let same = previous.is_some_and(|p| p.properties.keys().eq(f.properties.keys()));
        previous = Some(f);
        if same {
            continue;
        }
        for k in f.properties.keys() {
            if seen.insert(k.as_str()) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

struct Stats {
    present: usize,
    distinct: usize,
}

fn stats(features: &[RawFeature], key: &str) -> Stats {
    use rayon::prelude::*;
    // Counted by a parallel sort rather than a hash set (this runs on the critical path of
    // every load).
    let mut values: Vec<Cow<'_, str>> = features
        .par_iter()
        .filter_map(|f| value_str(f.properties.get(key)))
        .collect();
    let present = values.len();
    values.par_sort_unstable();
    values.dedup();
    Stats {
        present,
        distinct: values.len(),
    }
}

fn ends_with_ci(key: &str, suffix: &str) -> bool {
    key.len() > suffix.len() && key.to_ascii_uppercase().ends_with(suffix)
}

/// Choose the code and name fields. Overrides must name properties that exist.
pub fn detect(
    features: &[RawFeature],
    code_override: Option<&str>,
    name_override: Option<&str>,
) -> Result<Fields, String> {
    let keys = keys_in_order(features);
    let mut notes = Vec::new();
    let check_exists = |field: &str, what: &str| {
        if keys.iter().any(|k| k == field) {
            Ok(())
        } else {
            Err(format!(
                "no property {field:?} for the {what}; {}",
                listing(&keys)
            ))
        }
    };
    let code = if let Some(field) = code_override {
        check_exists(field, "code")?;
        CodeSource::Property(field.to_string())
    } else {
        guess_code(features, &keys, &mut notes)?
    };
    let name = if let Some(field) = name_override {
        check_exists(field, "name")?;
        Some(field.to_string())
    } else {
        guess_name(&keys, &code)
    };
    Ok(Fields { code, name, notes })
}

/// The properties, for messages.
fn listing(keys: &[String]) -> String {
    if keys.is_empty() {
        "the features have no properties".to_string()
    } else {
        format!("properties are: {}", keys.join(", "))
    }
}

/// The code: a ...CD property unique to each feature, else the ...CD one with the most distinct
/// values (noted), else one called code or id, else the features' own ids.
fn guess_code(
    features: &[RawFeature],
    keys: &[String],
    notes: &mut Vec<String>,
) -> Result<CodeSource, String> {
    let n = features.len();
    let cd: Vec<&String> = keys.iter().filter(|k| ends_with_ci(k, "CD")).collect();
    let unique = cd.iter().find(|k| {
        let s = stats(features, k);
        s.present == n && s.distinct == n
    });
    Ok(if let Some(k) = unique {
        CodeSource::Property((*k).clone())
    } else if let Some(k) = cd.iter().max_by_key(|k| stats(features, k).distinct) {
        notes.push(format!(
            "no ...CD property has a unique value for every feature; using {k}, the one with \
             the most distinct values (choose another with --code)"
        ));
        CodeSource::Property((*k).clone())
    } else if let Some(k) = keys.iter().find(|k| {
        let u = k.to_ascii_lowercase();
        u == "code" || u == "id"
    }) {
        CodeSource::Property(k.clone())
    } else if n > 0 && features.iter().all(|f| f.id.is_some()) {
        CodeSource::FeatureId
    } else if n == 0 {
        CodeSource::Property(String::new())
    } else {
        return Err(format!(
            "cannot tell which property is the code: no property ends in CD, none is called \
             code or id, and features have no id member; {}. Name it with --code",
            listing(keys)
        ));
    })
}

/// The name: the ...NM property matching a ...CD code, else any ...NM, else one called name.
fn guess_name(keys: &[String], code: &CodeSource) -> Option<String> {
    let code_prefix = match code {
        CodeSource::Property(p) if ends_with_ci(p, "CD") => Some(&p[..p.len() - 2]),
        _ => None,
    };
    let matching = code_prefix.and_then(|prefix| {
        keys.iter().find(|k| {
            k.len() == prefix.len() + 2
                && k.get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
                && ends_with_ci(k, "NM")
        })
    });
    matching
        .or_else(|| keys.iter().find(|k| ends_with_ci(k, "NM")))
        .or_else(|| keys.iter().find(|k| k.eq_ignore_ascii_case("name")))
        .cloned()
}

pub fn feature_code(
    source: &CodeSource,
    id: Option<&String>,
    props: &super::raw::Properties,
) -> Option<String> {
    match source {
        CodeSource::Property(p) => value_text(props.get(p)),
        CodeSource::FeatureId => id.cloned(),
    }
}

/// Duplicate codes (with how often each occurs) in first-seen order.
///
/// By sorting positions by code (in parallel) rather than hashing: on 34,753 LSOA codes the
/// hash map took 35 ms on the critical path, the sort a few.
pub fn duplicates<'a>(codes: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    use rayon::prelude::*;
    let codes: Vec<&str> = codes.collect();
    let mut order: Vec<u32> = (0..codes.len() as u32).collect();
    // Stable within equal codes, so each run starts at the code's first occurrence.
    order.par_sort_by(|&a, &b| codes[a as usize].cmp(codes[b as usize]));
    let mut found: Vec<(u32, usize)> = Vec::new();
    for run in order.chunk_by(|&a, &b| codes[a as usize] == codes[b as usize]) {
        if run.len() > 1 {
            found.push((run[0], run.len()));
        }
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(first, n)| (codes[first as usize].to_string(), n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn features(props: Vec<Value>) -> Vec<RawFeature> {
        props
            .into_iter()
            .enumerate()
            .map(|(index, p)| RawFeature {
                index,
                properties: p.as_object().cloned().unwrap_or_default().into(),
                ..RawFeature::default()
            })
            .collect()
    }

    #[test]
    fn ons_fields_prefer_the_unique_code_and_matching_name() {
        let f = features(vec![
            json!({"RGN21CD": "E12000001", "LAD21CD": "E06000001", "RGN21NM": "North East", "LAD21NM": "Hartlepool"}),
            json!({"RGN21CD": "E12000001", "LAD21CD": "E06000002", "RGN21NM": "North East", "LAD21NM": "Middlesbrough"}),
        ]);
        let d = detect(&f, None, None).unwrap();
        assert_eq!(d.code, CodeSource::Property("LAD21CD".into()));
        assert_eq!(d.name.as_deref(), Some("LAD21NM"));
    }

    #[test]
    fn falls_back_to_code_and_name_then_feature_id() {
        let f = features(vec![
            json!({"code": "A", "name": "Alpha"}),
            json!({"code": "B", "name": "Beta"}),
        ]);
        let d = detect(&f, None, None).unwrap();
        assert_eq!(d.code, CodeSource::Property("code".into()));
        assert_eq!(d.name.as_deref(), Some("name"));

        let mut f = features(vec![json!({"colour": "red"}), json!({})]);
        f[0].id = Some("1".into());
        f[1].id = Some("2".into());
        assert_eq!(detect(&f, None, None).unwrap().code, CodeSource::FeatureId);
        f[1].id = None;
        let err = detect(&f, None, None).unwrap_err();
        assert!(err.contains("colour") && err.contains("--code"), "{err}");
    }

    #[test]
    fn overrides_must_exist() {
        let f = features(vec![json!({"X": "1"})]);
        assert!(detect(&f, Some("Y"), None)
            .unwrap_err()
            .contains("properties are: X"));
        assert_eq!(
            detect(&f, Some("X"), None).unwrap().code,
            CodeSource::Property("X".into())
        );
    }

    #[test]
    fn duplicate_codes_are_counted() {
        let d = duplicates(["a", "b", "a", "c", "a", "b"].into_iter());
        assert_eq!(d, vec![("a".to_string(), 3), ("b".to_string(), 2)]);
        // First-seen order, not alphabetical.
        let d = duplicates(["z", "b", "z", "c", "b", "y", "b"].into_iter());
        assert_eq!(d, vec![("z".to_string(), 2), ("b".to_string(), 3)]);
    }
}
