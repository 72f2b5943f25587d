//! Parameters: positional (`[a, b]`) or named (`{"a": .., "b": ..}`), as the spec allows.
//! The `starknet-core` request types parse both; the write methods take the raw transaction
//! object because they also accept the v1 shapes that those types no longer know.

use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::de::DeserializeOwned;
use serde_json::Value;

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
}
