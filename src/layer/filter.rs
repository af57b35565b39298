//! `--where FIELD=PATTERN`: keep only the features whose property matches, on load.
//!
//! A pattern is a glob (`*` any run of characters, `?` one character), or several separated
//! by commas (`E06000001,E06000002`); a feature is kept when its value matches any of them.
//! Matching ignores ASCII case. Several filters on one layer must all match.
//!
//! ```
//! use footprint::layer::filter::Filter;
//! let f: Filter = "LTLA21CD=E*".parse().unwrap();
//! assert!(f.matches(Some("E06000001")));
//! assert!(!f.matches(Some("W06000001")));
//! assert!(!f.matches(None));
//! ```

use std::str::FromStr;

/// A condition on one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub field: String,
    pub patterns: Vec<String>,
    /// Given without a role, for every layer of a command (messages say how to name one).
    pub every_layer: bool,
}

impl FromStr for Filter {
    type Err = String;

    fn from_str(spec: &str) -> Result<Filter, String> {
        let Some((field, pattern)) = spec.split_once('=') else {
            return Err(format!(
                "{spec:?} is not FIELD=PATTERN (for example LTLA21CD=E* or LTLA21CD=E06000001,E06000002)"
            ));
        };
        let field = field.trim();
        if field.is_empty() {
            return Err(format!("{spec:?} names no field: give FIELD=PATTERN"));
        }
        let patterns: Vec<String> = pattern
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect();
        if patterns.is_empty() {
            return Err(format!(
                "{spec:?} gives no pattern: give FIELD=PATTERN, e.g. {field}=E*"
            ));
        }
        Ok(Filter {
            field: field.to_string(),
            patterns,
            every_layer: false,
        })
    }
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.field, self.patterns.join(","))
    }
}

impl Filter {
    /// Whether a feature whose value of the field is `value` (None: missing or empty) is kept.
    pub fn matches(&self, value: Option<&str>) -> bool {
        value.is_some_and(|v| self.patterns.iter().any(|p| glob(p, v)))
    }
}

/// Whether `text` matches the glob `pattern` (`*`, `?`), ignoring ASCII case.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and the text position it has taken up to.
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if i < p.len() && (p[i] == '?' || p[i].eq_ignore_ascii_case(&t[j])) {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// The layer's property named `field`: exactly, else the one that differs only in case.
pub fn find_field<'k>(field: &str, keys: &'k [String]) -> Option<&'k str> {
    keys.iter()
        .find(|k| *k == field)
        .or_else(|| {
            let mut close = keys.iter().filter(|k| k.eq_ignore_ascii_case(field));
            match (close.next(), close.next()) {
                (Some(k), None) => Some(k),
                _ => None,
            }
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases = [
            ("E*", "E06000001", true),
            ("E*", "W06000001", false),
            ("e*", "E06000001", true),
            ("E0?000001", "E06000001", true),
            ("E0?000001", "E06000002", false),
            ("*shire", "Wiltshire", true),
            ("*shire*", "Shire Hall", true),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("?", "", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
            ("E06000001", "E06000001", true),
            ("E06000001", "E060000011", false),
            ("Ynys M?n", "Ynys Môn", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(glob(p, t), want, "{p:?} ~ {t:?}");
        }
    }

    #[test]
    fn filters_parse_and_match() {
        let f: Filter = "LTLA21CD=E06000001, E06000002".parse().unwrap();
        assert_eq!(f.field, "LTLA21CD");
        assert_eq!(f.patterns, ["E06000001", "E06000002"]);
        assert_eq!(f.to_string(), "LTLA21CD=E06000001,E06000002");
        assert!(f.matches(Some("E06000002")));
        assert!(!f.matches(Some("E06000003")));
        for bad in ["LTLA21CD", "=E*", "LTLA21CD=", "LTLA21CD=,"] {
            assert!(bad.parse::<Filter>().is_err(), "{bad}");
        }
        // A value may itself hold '=': only the first one separates.
        let f: Filter = "NOTE=a=b".parse().unwrap();
        assert!(f.matches(Some("A=B")));
    }

    #[test]
    fn fields_are_found_exactly_or_by_case() {
        let keys = vec!["LTLA21CD".to_string(), "LTLA21NM".to_string()];
        assert_eq!(find_field("LTLA21CD", &keys), Some("LTLA21CD"));
        assert_eq!(find_field("ltla21cd", &keys), Some("LTLA21CD"));
        assert_eq!(find_field("LAD21CD", &keys), None);
    }
}
