//! `starknet_getEvents`: a scan of the receipts of the requested block range, filtered by
//! emitter and keys, in chunks. The continuation token is `"{block}-{index}"`: the block to
//! resume at and how many matching events of it were already returned.

use chain::Felt;
use chain::rpc::convert::emitted_events;
use chain::rpc::types::requests::GetEventsRequest;
use chain::rpc::types::{BlockId, BlockTag, EmittedEvent, EventsChunk};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;

use super::blocks::{json, state_block};
use super::errors::{from_node, starknet};
use super::params::parse;
use crate::SequencerError;
use crate::node::Node;
use chain::rpc::error::StarknetError;

/// Largest chunk a client may ask for.
pub const MAX_CHUNK_SIZE: u64 = 1024;
/// Most key positions in a filter.
pub const MAX_KEYS: usize = 16;

fn matches(event: &EmittedEvent, address: Option<Felt>, keys: &[Vec<Felt>]) -> bool {
    if address.is_some_and(|address| address != event.from_address) {
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

/// `starknet_getEvents`.
pub fn get_events(node: &Node, params: &Params<'_>) -> Result<Value, ErrorObjectOwned> {
    let request = parse::<GetEventsRequest>(params)?.filter;
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
        for hash in &block.transaction_hashes {
            let receipt = node
                .store()
                .receipt(hash)
                .map_err(from_node)?
                .ok_or_else(|| from_node(SequencerError::TransactionNotFound(*hash)))?;
            for event in emitted_events(&receipt, Some(block.block_hash), Some(number)) {
                if !matches(&event, filter.address, &keys) {
                    continue;
                }
                matched_in_block += 1;
                if number == start && matched_in_block <= skip {
                    continue;
                }
                if events.len() == chunk_size {
                    let token = format!("{number}-{}", matched_in_block - 1);
                    return json(EventsChunk { events, continuation_token: Some(token) });
                }
                events.push(event);
            }
        }
    }
    json(EventsChunk { events, continuation_token: None })
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
        assert!(matches(&event, None, &[]));
        assert!(matches(&event, Some(Felt::ONE), &[vec![], vec![Felt::THREE]]));
        assert!(!matches(&event, Some(Felt::TWO), &[]));
        assert!(!matches(&event, None, &[vec![Felt::THREE]]));
        assert!(!matches(&event, None, &[vec![], vec![], vec![Felt::ONE]]));
    }
}
