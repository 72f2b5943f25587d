//! Parameters: positional (`[a, b]`) or named (`{"a": .., "b": ..}`), as the spec allows.
//! The `starknet-core` request types parse both; the write methods take the raw transaction
//! object because they also accept the v1 shapes that those types no longer know.

use chain::rpc::SpecVersion;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::errors::invalid_params;

/// Parses the whole params value into a `starknet-core` request type.
pub fn parse<T: DeserializeOwned>(params: &Params<'_>) -> Result<T, ErrorObjectOwned> {
    let raw = params.as_str().unwrap_or("[]");
    serde_json::from_str(raw).map_err(|error| invalid_params(error.to_string()))
}

/// The params as a list of values in the spec's order of `names`, missing optional ones as
/// `Value::Null`.
pub fn values(params: &Params<'_>, names: &[&str]) -> Result<Vec<Value>, ErrorObjectOwned> {
    let raw = params.as_str().unwrap_or("[]");
    let value: Value =
        serde_json::from_str(raw).map_err(|error| invalid_params(error.to_string()))?;
    match value {
        Value::Array(mut items) => {
            if items.len() > names.len() {
                return Err(invalid_params(format!("expected at most {} params", names.len())));
            }
            items.resize(names.len(), Value::Null);
            Ok(items)
        }
        Value::Object(mut map) => {
            let items = names.iter().map(|name| map.remove(*name).unwrap_or(Value::Null)).collect();
            if let Some(extra) = map.keys().next() {
                return Err(invalid_params(format!("unknown param `{extra}`")));
            }
            Ok(items)
        }
        _ => Err(invalid_params("params must be an array or an object")),
    }
}

/// [`values`] as the params' own JSON text (absent or `null`: `None`), for a param whose exact
/// text matters (a number of any size, which `Value` would round through `f64`).
pub fn raw_values<'p>(
    params: &'p Params<'_>,
    names: &[&str],
) -> Result<Vec<Option<&'p RawValue>>, ErrorObjectOwned> {
    let raw = params.as_str().unwrap_or("[]").trim_start();
    let malformed = |error: serde_json::Error| invalid_params(error.to_string());
    let mut items: Vec<Option<&RawValue>> = if raw.starts_with('[') {
        let items: Vec<&RawValue> = serde_json::from_str(raw).map_err(malformed)?;
        if items.len() > names.len() {
            return Err(invalid_params(format!("expected at most {} params", names.len())));
        }
        items.into_iter().map(Some).collect()
    } else if raw.starts_with('{') {
        let mut map: std::collections::BTreeMap<String, &RawValue> =
            serde_json::from_str(raw).map_err(malformed)?;
        let items = names.iter().map(|name| map.remove(*name)).collect();
        if let Some(extra) = map.keys().next() {
            return Err(invalid_params(format!("unknown param `{extra}`")));
        }
        items
    } else {
        return Err(invalid_params("params must be an array or an object"));
    };
    items.resize(names.len(), None);
    Ok(items.into_iter().map(|item| item.filter(|value| value.get() != "null")).collect())
}

/// [`values`] of a method whose params grew in spec 0.10: `names` in every version, then
/// `added_in_0_10` on the 0.10 path only (sent to the 0.9 path, they are too many params).
pub fn versioned(
    params: &Params<'_>,
    version: SpecVersion,
    names: &[&str],
    added_in_0_10: &[&str],
) -> Result<Vec<Value>, ErrorObjectOwned> {
    let mut all = names.to_vec();
    if version >= SpecVersion::V0_10 {
        all.extend_from_slice(added_in_0_10);
    }
    values(params, &all)
}

/// Decodes the required param `name` from its [`values`] entry.
pub fn required<T: DeserializeOwned>(value: Value, name: &str) -> Result<T, ErrorObjectOwned> {
    if value.is_null() {
        return Err(invalid_params(format!("missing param `{name}`")));
    }
    serde_json::from_value(value).map_err(|error| invalid_params(format!("`{name}`: {error}")))
}

/// Decodes the optional param `name` from its [`values`] entry (`null`: absent).
pub fn optional<T: DeserializeOwned>(
    value: Value,
    name: &str,
) -> Result<Option<T>, ErrorObjectOwned> {
    if value.is_null() { Ok(None) } else { required(value, name).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_and_named() {
        let positional = Params::new(Some(r#"[{"a":1}]"#));
        assert_eq!(values(&positional, &["tx"]).unwrap()[0]["a"], 1);
        let named = Params::new(Some(r#"{"tx":{"a":2}}"#));
        assert_eq!(values(&named, &["tx"]).unwrap()[0]["a"], 2);
        assert_eq!(values(&Params::new(None), &["tx"]).unwrap()[0], Value::Null);
        assert!(values(&Params::new(Some(r#"{"other":1}"#)), &["tx"]).is_err());
        assert!(values(&Params::new(Some(r#"[1, 2]"#)), &["tx"]).is_err());
        assert!(values(&Params::new(Some("7")), &["tx"]).is_err());
    }

    #[test]
    fn raw_values_keep_the_text() {
        let big = "123456789012345678901234567890";
        let named = format!(r#"{{"amount": {big}, "unit": null}}"#);
        let named = Params::new(Some(&named));
        let raw = raw_values(&named, &["address", "amount", "unit"]).unwrap();
        assert!(raw[0].is_none() && raw[2].is_none(), "absent and null");
        assert_eq!(raw[1].map(RawValue::get), Some(big));
        let positional = Params::new(Some(r#"["0x1", 1e21]"#));
        let raw = raw_values(&positional, &["address", "amount", "unit"]).unwrap();
        assert_eq!(raw[1].map(RawValue::get), Some("1e21"));
        assert!(raw_values(&Params::new(Some(r#"{"other":1}"#)), &["a"]).is_err());
        assert!(raw_values(&Params::new(Some("[1, 2]")), &["a"]).is_err());
        assert!(raw_values(&Params::new(Some("7")), &["a"]).is_err());
        let empty = Params::new(None);
        let none = raw_values(&empty, &["a"]).unwrap();
        assert!(none.len() == 1 && none[0].is_none());
    }

    #[test]
    fn params_added_in_0_10_are_refused_on_0_9() {
        let params = Params::new(Some(r#"["latest", ["INCLUDE_PROOF_FACTS"]]"#));
        let names = ["block_id"];
        let added = ["response_flags"];
        assert!(versioned(&params, SpecVersion::V0_9, &names, &added).is_err());
        let both = versioned(&params, SpecVersion::V0_10, &names, &added).unwrap();
        assert_eq!(both[1][0], "INCLUDE_PROOF_FACTS");
        let short = Params::new(Some(r#"["latest"]"#));
        let one = versioned(&short, SpecVersion::V0_10, &names, &added).unwrap();
        assert_eq!(optional::<Vec<String>>(one[1].clone(), "response_flags").unwrap(), None);
        assert!(required::<u64>(Value::Null, "index").is_err());
    }
}
