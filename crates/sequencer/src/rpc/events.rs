//! `starknet_getEvents`: a scan of the receipts of the requested block range, filtered by
//! emitter and keys, in chunks. The continuation token is `"{block}-{index}"`: the block to
//! resume at and how many matching events of it were already returned.
//!
//! Spec 0.10 also takes a list of emitters (`address` as an array) and gives each event its
//! `transaction_index` (in the block) and `event_index` (in its transaction).

use chain::Felt;
use chain::rpc::SpecVersion;
use chain::rpc::convert::emitted_events;
use chain::rpc::types::{BlockId, BlockTag, EmittedEvent, EventFilterWithPage};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::{Value, json as json_value};

use super::blocks::{json, state_block};
use super::errors::{from_node, invalid_params, starknet};
use super::params::{required, values};
use crate::SequencerError;
use crate::node::Node;
use chain::rpc::error::StarknetError;

/// Largest chunk a client may ask for.
pub const MAX_CHUNK_SIZE: u64 = 1024;
/// Most key positions in a filter.
pub const MAX_KEYS: usize = 16;

/// Whether `event` is from one of `addresses` (any, if empty) and has allowed keys.
fn matches(event: &EmittedEvent, addresses: &[Felt], keys: &[Vec<Felt>]) -> bool {
    if !addresses.is_empty() && !addresses.contains(&event.from_address) {
        return false;
    }
    keys.iter().enumerate().all(|(position, allowed)| {
        allowed.is_empty() || event.keys.get(position).is_some_and(|key| allowed.contains(key))
    })
}

fn parse_token(token: &str) -> Option<(u64, usize)> {
    let (block, skip) = token.split_once('-')?;
    Some((block.parse().ok()?, skip.parse().ok()?))
}

/// The `filter` param and its emitters: on the 0.10 path `address` may be a list, which the 0.9
/// filter type does not know, so it is taken out first.
fn filter_and_addresses(
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<(EventFilterWithPage, Vec<Felt>), ErrorObjectOwned> {
    let mut filter = values(params, &["filter"])?.pop().unwrap_or_default();
    let mut addresses = Vec::new();
    if version >= SpecVersion::V0_10
        && let Some(Value::Array(list)) = filter.get_mut("address").map(Value::take)
    {
        addresses = serde_json::from_value(Value::Array(list))
            .map_err(|error| invalid_params(format!("`filter.address`: {error}")))?;
        filter.as_object_mut().map(|fields| fields.remove("address"));
    }
    let filter: EventFilterWithPage = required(filter, "filter")?;
    addresses.extend(filter.event_filter.address);
    Ok((filter, addresses))
}

/// An emitted event in the shape of `version` (0.10: with its indices).
fn event_answer(
    event: EmittedEvent,
    transaction_index: usize,
    event_index: usize,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let mut answer = json(event)?;
    if let (true, Value::Object(fields)) = (version >= SpecVersion::V0_10, &mut answer) {
        fields.insert("transaction_index".into(), transaction_index.into());
        fields.insert("event_index".into(), event_index.into());
    }
    Ok(answer)
}

/// `starknet_getEvents`.
pub fn get_events(
    node: &Node,
    params: &Params<'_>,
    version: SpecVersion,
) -> Result<Value, ErrorObjectOwned> {
    let (request, addresses) = filter_and_addresses(params, version)?;
    let filter = request.event_filter;
    let page = request.result_page_request;
    if page.chunk_size > MAX_CHUNK_SIZE {
        return Err(starknet(StarknetError::PageSizeTooBig));
    }
    let keys = filter.keys.unwrap_or_default();
    if keys.len() > MAX_KEYS {
        return Err(starknet(StarknetError::TooManyKeysInFilter));
    }
    let latest = BlockId::Tag(BlockTag::Latest);
    let from =
        state_block(node, &filter.from_block.unwrap_or(BlockId::Number(0))).map_err(from_node)?;
    let to = state_block(node, &filter.to_block.unwrap_or(latest)).map_err(from_node)?;
    let (mut start, mut skip) = (from, 0usize);
    if let Some(token) = &page.continuation_token {
        let (block, already) = parse_token(token)
            .filter(|(block, _)| *block >= from)
            .ok_or_else(|| starknet(StarknetError::InvalidContinuationToken))?;
        (start, skip) = (block, already);
    }
    let chunk_size = page.chunk_size.max(1) as usize;
    let mut events = Vec::new();
    for block in node.store().blocks(start, to) {
        let block = block.map_err(from_node)?;
        let number = block.header.block_number;
        let mut matched_in_block = 0usize;
        for (transaction_index, hash) in block.transaction_hashes.iter().enumerate() {
            let receipt = node
                .store()
                .receipt(hash)
                .map_err(from_node)?
                .ok_or_else(|| from_node(SequencerError::TransactionNotFound(*hash)))?;
            let emitted = emitted_events(&receipt, Some(block.block_hash), Some(number));
            for (event_index, event) in emitted.into_iter().enumerate() {
                if !matches(&event, &addresses, &keys) {
                    continue;
                }
                matched_in_block += 1;
                if number == start && matched_in_block <= skip {
                    continue;
                }
                if events.len() == chunk_size {
                    let token = format!("{number}-{}", matched_in_block - 1);
                    return Ok(json_value!({ "events": events, "continuation_token": token }));
                }
                events.push(event_answer(event, transaction_index, event_index, version)?);
            }
        }
    }
    Ok(json_value!({ "events": events }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_filters() {
        assert_eq!(parse_token("12-3"), Some((12, 3)));
        assert_eq!(parse_token("x-3"), None);
        assert_eq!(parse_token("12"), None);
        let event = EmittedEvent {
            from_address: Felt::ONE,
            keys: vec![Felt::TWO, Felt::THREE],
            data: vec![],
            block_hash: None,
            block_number: None,
            transaction_hash: Felt::ZERO,
        };
        assert!(matches(&event, &[], &[]));
        assert!(matches(&event, &[Felt::ONE], &[vec![], vec![Felt::THREE]]));
        assert!(matches(&event, &[Felt::TWO, Felt::ONE], &[]));
        assert!(!matches(&event, &[Felt::TWO], &[]));
        assert!(!matches(&event, &[], &[vec![Felt::THREE]]));
        assert!(!matches(&event, &[], &[vec![], vec![], vec![Felt::ONE]]));
    }
}
