//! The format marker of a sled store: `format_version` (a big-endian `u32`) in a store's meta
//! tree, which the state store, the devnet's block store and the watcher's database each keep,
//! so that a build never reads records that an incompatible build wrote.

pub use crate::backend::FORMAT_VERSION_KEY;

/// What a store's marker says about its format, compared with the version this build writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreFormat {
    /// The store is of this build's format, or was empty and is now marked with it.
    Current,
    /// The store holds records of another format: the one its marker names (`u32::MAX` for a
    /// marker that is not 4 bytes), or `None` for records written before stores had a marker.
    Other(Option<u32>),
}

/// Compares `meta`'s marker with `version`; marks a store without one with `version` when
/// `is_empty` (it holds no records yet).
pub fn store_format(meta: &sled::Tree, is_empty: bool, version: u32) -> sled::Result<StoreFormat> {
    let current = version.to_be_bytes();
    match meta.get(FORMAT_VERSION_KEY)? {
        Some(bytes) if bytes.as_ref() == current => Ok(StoreFormat::Current),
        Some(bytes) => {
            let found = <[u8; 4]>::try_from(bytes.as_ref()).map(u32::from_be_bytes);
            Ok(StoreFormat::Other(Some(found.unwrap_or(u32::MAX))))
        }
        None if is_empty => {
            meta.insert(FORMAT_VERSION_KEY, &current)?;
            Ok(StoreFormat::Current)
        }
        None => Ok(StoreFormat::Other(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_store_is_marked_and_another_format_named() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let meta = db.open_tree("meta").unwrap();
        assert_eq!(store_format(&meta, false, 3).unwrap(), StoreFormat::Other(None));
        assert_eq!(store_format(&meta, true, 3).unwrap(), StoreFormat::Current);
        assert_eq!(store_format(&meta, false, 3).unwrap(), StoreFormat::Current);
        assert_eq!(store_format(&meta, true, 4).unwrap(), StoreFormat::Other(Some(3)));
        meta.insert(FORMAT_VERSION_KEY, &[1u8][..]).unwrap();
        assert_eq!(store_format(&meta, true, 3).unwrap(), StoreFormat::Other(Some(u32::MAX)));
    }
}
