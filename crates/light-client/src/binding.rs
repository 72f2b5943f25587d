//! [`check_binding`]: does a verified block public output describe the block in the
//! sequencer's headers? Pure: no I/O, one error variant per check.

use chain::rpc::types::BlockWithTxHashes;
use chain::{BlockPublicOutput, Felt, transaction_hashes_digest};

use crate::error::LightClientError;

/// Checks `output` (from a verified proof) against `header`, its `parent` header (required
/// above genesis, ignored for block 0) and the sequencer's `chain_id`.
///
/// Checked in this order, the first failure is returned: block number, block hash, parent hash,
/// new state root, chain id, transaction count and the digest of the transaction hashes
/// (recomputed from the header's transaction hashes with [`chain::transaction_hashes_digest`];
/// the block hash binds Starknet's transaction commitment, over hashes and signatures), then, above genesis, that the
/// parent header is the header's parent and that the previous state root is its `new_root`.
/// Genesis has no parent header, so its previous state root is not checked.
///
/// **Sequencers that leave the state commitment to the prover** (`--commitment off`) put 0 in
/// their headers' `new_root`. Then the header has no root to compare the proven new root with
/// (the proof's root is the only one there is: the OS computed it from the previous root), and
/// the parent header none to anchor the previous root: the caller must pass the previous root it
/// trusts (`trusted_previous_root`, e.g. the new root of the parent block from its own earlier
/// verification), or the check fails with [`LightClientError::UnanchoredPreviousRoot`]. A
/// trusted previous root is also checked when the parent header has a root.
pub fn check_binding(
    output: &BlockPublicOutput,
    header: &BlockWithTxHashes,
    parent: Option<&BlockWithTxHashes>,
    chain_id: Felt,
    trusted_previous_root: Option<Felt>,
) -> Result<(), LightClientError> {
    if output.block_number != header.block_number {
        return Err(LightClientError::BlockNumberMismatch {
            header: header.block_number,
            proven: output.block_number,
        });
    }
    if output.block_hash != header.block_hash {
        return Err(LightClientError::BlockHashMismatch {
            header: header.block_hash,
            proven: output.block_hash,
        });
    }
    if output.parent_block_hash != header.parent_hash {
        return Err(LightClientError::ParentHashMismatch {
            header: header.parent_hash,
            proven: output.parent_block_hash,
        });
    }
    if header.new_root != Felt::ZERO && output.new_state_root != header.new_root {
        return Err(LightClientError::NewStateRootMismatch {
            header: header.new_root,
            proven: output.new_state_root,
        });
    }
    if output.chain_id.as_felt() != chain_id {
        return Err(LightClientError::ChainIdMismatch {
            sequencer: chain_id,
            proven: output.chain_id.as_felt(),
        });
    }
    let header_count = header.transactions.len() as u64;
    if output.transaction_count != header_count {
        return Err(LightClientError::TransactionCountMismatch {
            header: header_count,
            proven: output.transaction_count,
        });
    }
    let digest = transaction_hashes_digest(&header.transactions);
    if output.transaction_hashes_digest != digest {
        return Err(LightClientError::TransactionCommitmentMismatch {
            header: digest,
            proven: output.transaction_hashes_digest,
        });
    }
    if header.block_number > 0 {
        let Some(parent) = parent else {
            return Err(LightClientError::MissingParentHeader {
                block_number: header.block_number,
            });
        };
        if parent.block_number + 1 != header.block_number || parent.block_hash != header.parent_hash
        {
            return Err(LightClientError::InconsistentSequencer {
                parent_number: parent.block_number,
                parent_hash: parent.block_hash,
                named: header.parent_hash,
            });
        }
        // The parent header's root (when it carries one) and the caller's trusted root (when
        // given) must both be the proven previous root; at least one must exist.
        let header_root = (parent.new_root != Felt::ZERO).then_some(parent.new_root);
        if header_root.is_none() && trusted_previous_root.is_none() {
            return Err(LightClientError::UnanchoredPreviousRoot {
                block_number: header.block_number,
            });
        }
        for anchor in header_root.into_iter().chain(trusted_previous_root) {
            if output.previous_state_root != anchor {
                return Err(LightClientError::PreviousStateRootMismatch {
                    parent: anchor,
                    proven: output.previous_state_root,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chain::rpc::convert::block_with_tx_hashes;
    use chain::rpc::types::BlockStatus;
    use chain::{BlockHeader, ChainId, FeeTokens};

    fn header(number: u64, parent_hash: Felt, root: u64, txs: &[Felt]) -> BlockHeader {
        BlockHeader {
            block_number: number,
            parent_hash,
            timestamp: 1_700_000_000 + number,
            sequencer_address: Felt::from(0x5eu64),
            state_root: Felt::from(root),
            transaction_count: txs.len() as u64,
            transaction_commitment: Felt::from(0x7c0u64),
            event_count: 0,
            event_commitment: Felt::ZERO,
            receipt_commitment: Felt::ZERO,
            state_diff_commitment: Felt::from(0xd1ffu64),
            state_diff_length: 1,
            gas_prices: Default::default(),
            l1_da_mode: Default::default(),
            starknet_version: chain::block::StarknetVersion::current(),
        }
    }

    struct Case {
        output: BlockPublicOutput,
        header: BlockWithTxHashes,
        parent: BlockWithTxHashes,
    }

    fn case() -> Case {
        let txs = [Felt::from(11u64), Felt::from(12u64)];
        let parent = header(4, Felt::from(3u64), 100, &[]);
        let child = header(5, parent.hash(), 200, &txs);
        let output = BlockPublicOutput::for_header(
            &child,
            &txs,
            Felt::ONE,
            ChainId::DEVNET,
            FeeTokens::NONE,
            parent.state_root,
        );
        Case {
            output,
            header: block_with_tx_hashes(&child, BlockStatus::AcceptedOnL2, txs.to_vec()),
            parent: block_with_tx_hashes(&parent, BlockStatus::AcceptedOnL2, vec![]),
        }
    }

    fn check(case: &Case) -> Result<(), LightClientError> {
        check_binding(
            &case.output,
            &case.header,
            Some(&case.parent),
            ChainId::DEVNET.as_felt(),
            None,
        )
    }

    #[test]
    fn matching_output_passes() {
        check(&case()).unwrap();
    }

    #[test]
    fn each_field_has_its_own_error() {
        use LightClientError as E;
        type Tamper = fn(&mut Case);
        type Expected = fn(&LightClientError) -> bool;
        let cases: [(Tamper, Expected); 9] = [
            (|c| c.output.block_number += 1, |e| matches!(e, E::BlockNumberMismatch { .. })),
            (|c| c.output.block_hash += Felt::ONE, |e| matches!(e, E::BlockHashMismatch { .. })),
            (|c| c.header.parent_hash += Felt::ONE, |e| matches!(e, E::ParentHashMismatch { .. })),
            (|c| c.header.new_root += Felt::ONE, |e| matches!(e, E::NewStateRootMismatch { .. })),
            (|c| c.output.chain_id = ChainId::MAINNET, |e| matches!(e, E::ChainIdMismatch { .. })),
            (
                |c| c.header.transactions.pop().map(drop).unwrap_or(()),
                |e| matches!(e, E::TransactionCountMismatch { .. }),
            ),
            (
                |c| c.header.transactions.reverse(),
                |e| matches!(e, E::TransactionCommitmentMismatch { .. }),
            ),
            (
                |c| c.output.previous_state_root += Felt::ONE,
                |e| matches!(e, E::PreviousStateRootMismatch { .. }),
            ),
            (
                |c| c.parent.block_hash += Felt::ONE,
                |e| matches!(e, E::InconsistentSequencer { .. }),
            ),
        ];
        for (index, (tamper, expected)) in cases.iter().enumerate() {
            let mut case = case();
            tamper(&mut case);
            let error = check(&case).unwrap_err();
            assert!(expected(&error), "case {index}: {error}");
        }
    }

    #[test]
    fn genesis_needs_no_parent() {
        let genesis = header(0, Felt::ZERO, 7, &[]);
        let output = BlockPublicOutput::for_header(
            &genesis,
            &[],
            Felt::ONE,
            ChainId::DEVNET,
            FeeTokens::NONE,
            Felt::ZERO,
        );
        let rpc = block_with_tx_hashes(&genesis, BlockStatus::AcceptedOnL2, vec![]);
        check_binding(&output, &rpc, None, ChainId::DEVNET.as_felt(), None).unwrap();
        let mut above = case();
        let devnet = ChainId::DEVNET.as_felt();
        assert!(check_binding(&above.output, &above.header, None, devnet, None).is_err());
        above.output.previous_state_root = above.parent.new_root;
        check(&above).unwrap();
    }

    #[test]
    fn headers_without_roots_need_a_trusted_previous_root() {
        use LightClientError as E;
        // A sequencer that leaves the commitment to the prover: roots 0 in both headers.
        let txs = [Felt::from(11u64)];
        let parent = header(4, Felt::from(3u64), 0, &[]);
        let child = header(5, parent.hash(), 0, &txs);
        let mut output = BlockPublicOutput::for_header(
            &child,
            &txs,
            Felt::ONE,
            ChainId::DEVNET,
            FeeTokens::NONE,
            Felt::from(100u64),
        );
        output.new_state_root = Felt::from(200u64); // computed by the OS, not in the header
        let header = block_with_tx_hashes(&child, BlockStatus::AcceptedOnL2, txs.to_vec());
        let parent = block_with_tx_hashes(&parent, BlockStatus::AcceptedOnL2, vec![]);
        let devnet = ChainId::DEVNET.as_felt();
        let check = |trusted| check_binding(&output, &header, Some(&parent), devnet, trusted);

        assert!(matches!(check(None), Err(E::UnanchoredPreviousRoot { block_number: 5 })));
        check(Some(Felt::from(100u64))).unwrap();
        assert!(matches!(
            check(Some(Felt::from(101u64))),
            Err(E::PreviousStateRootMismatch { .. })
        ));
    }

    #[test]
    fn a_trusted_previous_root_must_also_match_a_header_root() {
        let case = case();
        let devnet = ChainId::DEVNET.as_felt();
        let parent = Some(&case.parent);
        let root = case.parent.new_root;
        check_binding(&case.output, &case.header, parent, devnet, Some(root)).unwrap();
        let other = Some(root + Felt::ONE);
        assert!(matches!(
            check_binding(&case.output, &case.header, parent, devnet, other),
            Err(LightClientError::PreviousStateRootMismatch { .. })
        ));
    }
}
